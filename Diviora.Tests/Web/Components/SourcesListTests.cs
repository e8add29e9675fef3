using Bunit;
using SourcesPage = Diviora.Web.Components.Pages.Sources;

namespace Diviora.Tests.Web.Components;

/// <summary>The sources list as a user sees it, from what the Api answers.</summary>
[Trait("Category", "Unit")]
public sealed class SourcesListTests : DashboardContext
{
    private const string Failed = "6f1c2a4e-0000-4000-8000-00000000000f";

    private const string ThreeSources = $$$"""
        [{"name":"crm","kind":"rest","dataset":"customers","schedule":"*/15 * * * *","timeZone":"Europe/Berlin","enabled":true,
          "rest":{"url":"https://crm.example.com/api"},"nextRunAt":"2026-05-04T10:15:00Z","lastRunAt":"2026-05-04T10:00:00Z",
          "createdAt":"2026-05-01T08:00:00Z","updatedAt":"2026-05-01T08:00:00Z",
          "lastRun":{"id":"{{{Failed}}}","status":"Failed","createdAt":"2026-05-04T10:00:00Z","finishedAt":"2026-05-04T10:00:03Z",
                     "rowsLoaded":0,"rowsRejected":0,"error":"Fetching source 'crm' failed: HTTP 401 Unauthorized"}},
         {"name":"erp","kind":"database","dataset":"orders","schedule":null,"timeZone":"UTC","enabled":true,
          "database":{"provider":"postgres","connection":"secret:erp-db","query":"select 1"},"nextRunAt":null,"lastRunAt":null,
          "createdAt":"2026-05-01T08:00:00Z","updatedAt":"2026-05-01T08:00:00Z",
          "lastRun":{"id":"6f1c2a4e-0000-4000-8000-000000000002","status":"Running","createdAt":"2026-05-04T10:00:00Z","finishedAt":null,"rowsLoaded":0,"rowsRejected":0}},
         {"name":"drops","kind":"dropzone","dataset":"orders","schedule":null,"timeZone":"UTC","enabled":false,"dropzone":{"prefix":"in/"},
          "nextRunAt":null,"lastRunAt":null,"createdAt":"2026-05-01T08:00:00Z","updatedAt":"2026-05-01T08:00:00Z"}]
        """;

    [Fact]
    public void Each_source_shows_its_kind_dataset_schedule_next_and_last_run()
    {
        Api.Answer("/api/sources", ThreeSources).Answer("/api/secrets", "[]");

        var cut = Render<SourcesPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("a[data-testid=source-link]").Count));
        Assert.Equal(["/sources/crm", "/sources/erp", "/sources/drops"], cut.FindAll("a[data-testid=source-link]").Select(a => a.GetAttribute("href")));
        Assert.Equal(["*/15 * * * * (Europe/Berlin)", "manual", "on arrival"], cut.FindAll("[data-testid=source-schedule]").Select(s => s.TextContent));
        Assert.Contains("href=\"/datasets/customers\"", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("2026-05-04 10:15:00 UTC", cut.Markup, StringComparison.Ordinal);

        var lastRuns = cut.FindAll("[data-testid=source-last-run]");
        Assert.Equal(2, lastRuns.Count);
        Assert.Equal($"/runs/{Failed}", lastRuns[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Failed", lastRuns[0].QuerySelector("[data-testid=run-status]")!.GetAttribute("data-status"));
        Assert.Equal("Fetching source 'crm' failed: HTTP 401 Unauthorized", cut.Find("[data-testid=source-last-error]").TextContent);
        Assert.Equal("Fetching source 'crm' failed: HTTP 401 Unauthorized", cut.Find("[data-testid=source-last-error]").GetAttribute("title"));
    }

    [Fact]
    public void A_reader_sees_the_sources_without_new_source_run_now_or_secrets_and_is_told_why()
    {
        Authorization.SetAuthorized("Local Reader");
        Authorization.SetRoles("Reader");
        Api.Answer("/api/sources", ThreeSources).Answer("/api/secrets", "[]");

        var cut = Render<SourcesPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("a[data-testid=source-link]").Count));
        Assert.Empty(cut.FindAll("[data-testid=run-now]"));
        Assert.Empty(cut.FindAll("[data-testid=new-source]"));
        Assert.Empty(cut.FindAll("#secrets"));
        Assert.Equal("Adding sources, starting runs and managing secrets needs the Editor role; you are signed in as Reader.",
            cut.Find("[data-testid=role-note]").TextContent);
        Assert.DoesNotContain(Api.Requests, r => r.Contains("/api/secrets", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_now_is_offered_for_rest_and_database_sources_and_off_while_a_run_is_under_way()
    {
        Api.Answer("/api/sources", ThreeSources).Answer("/api/secrets", "[]");

        var cut = Render<SourcesPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=run-now]").Count));
        var buttons = cut.FindAll("[data-testid=run-now]");
        Assert.Equal(["Run now: crm", "Run now: erp"], buttons.Select(b => b.GetAttribute("aria-label")));
        Assert.False(buttons[0].HasAttribute("disabled"));
        Assert.True(buttons[1].HasAttribute("disabled"));
    }

    [Fact]
    public void Run_now_links_to_the_queued_run_or_says_why_it_was_refused()
    {
        Api.Answer("/api/sources", ThreeSources).Answer("/api/secrets", "[]")
            .Answer("/api/sources/crm/runs", """{"runId":"6f1c2a4e-0000-4000-8000-0000000000aa","status":"Queued"}""", System.Net.HttpStatusCode.Accepted);
        var cut = Render<SourcesPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=run-now]").Count));

        cut.Find("[aria-label='Run now: crm']").Click();

        cut.WaitForAssertion(() => Assert.Equal("/runs/6f1c2a4e-0000-4000-8000-0000000000aa", cut.Find("[data-testid=run-started]").GetAttribute("href")));
        Assert.Contains("/api/sources/crm/runs", Api.Requests);

        Api.Answer("/api/sources/crm/runs", """{"title":"Source is running","status":409,"detail":"Run 6f1c of source 'crm' is still queued; a source runs one at a time."}""",
            System.Net.HttpStatusCode.Conflict);
        cut.Find("[aria-label='Run now: crm']").Click();

        cut.WaitForAssertion(() => Assert.Equal("Run 6f1c of source 'crm' is still queued; a source runs one at a time.", cut.Find("[data-testid=run-refused]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=run-started]"));
    }

    [Fact]
    public void Without_sources_the_page_says_so_and_offers_a_new_one()
    {
        Api.Answer("/api/sources", "[]").Answer("/api/secrets", "[]");

        var cut = Render<SourcesPage>();

        cut.WaitForElement("[data-testid=no-sources]");
        Assert.Equal("/sources/new", cut.Find("[data-testid=new-source]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=source-link]"));
    }

    [Fact]
    public void Secrets_are_listed_by_name_and_a_value_is_sent_once_then_cleared()
    {
        Api.Answer("/api/sources", "[]")
            .Answer("/api/secrets", """[{"name":"crm-token","updatedAt":"2026-05-01T08:00:00+00:00","allowedHosts":["api.crm.example","crm.example:8443"]}]""")
            .Answer("/api/secrets/erp-db", "", System.Net.HttpStatusCode.NoContent);
        var cut = Render<SourcesPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=secret]")));
        Assert.Contains("secret:crm-token", cut.Find("[data-testid=secret]").TextContent, StringComparison.Ordinal);
        Assert.Equal("api.crm.example, crm.example:8443", cut.Find("[data-testid=secret-allowed-hosts]").TextContent);

        cut.Find("[data-testid=secret-name]").Input("erp-db");
        cut.Find("[data-testid=secret-value]").Input("Host=db;Password=hunter2");
        cut.Find("[data-testid=secret-hosts]").Input(" db.internal:5432 ,, replica.internal ");
        cut.Find("form.secret-form").Submit();

        cut.WaitForElement("[data-testid=secret-saved]");
        var sent = Assert.Single(Api.Sent);
        Assert.Equal(("PUT", "/api/secrets/erp-db", """{"value":"Host=db;Password=hunter2","allowedHosts":["db.internal:5432","replica.internal"]}"""), sent);
        Assert.Equal("", cut.Find("[data-testid=secret-hosts]").GetAttribute("value") ?? "");
        Assert.Equal("", cut.Find("[data-testid=secret-value]").GetAttribute("value") ?? "");
        Assert.DoesNotContain("hunter2", cut.Markup, StringComparison.Ordinal);
    }
}
