using System.Globalization;
using Bunit;
using Diviora.Web.Components.Runs;

namespace Diviora.Tests.Web.Components;

/// <summary>The runs list as a user sees it, from what the Api answers.</summary>
[Trait("Category", "Unit")]
public sealed class RunListTests : DashboardContext
{
    private const string Succeeded = "6f1c2a4e-0000-4000-8000-000000000001";
    private const string Failed = "6f1c2a4e-0000-4000-8000-000000000002";

    private const string TwoRuns = $$"""
        [{"id":"{{Succeeded}}","dataset":"sales","status":"Succeeded","rowsRead":1200,"rowsLoaded":1200,"rowsRejected":0,"error":null,
          "createdAt":"2025-03-01T08:00:00Z","startedAt":"2025-03-01T08:00:01Z","finishedAt":"2025-03-01T08:00:05.2Z","fileName":"sales.csv"},
         {"id":"{{Failed}}","dataset":"orders","status":"Failed","rowsRead":3,"rowsLoaded":0,"rowsRejected":0,
          "error":"The file is not UTF-8: byte 0xE9 at offset 17.",
          "createdAt":"2025-03-01T07:00:00Z","startedAt":"2025-03-01T07:00:01Z","finishedAt":"2025-03-01T07:00:02Z","fileName":"orders.csv"}]
        """;

    [Fact]
    public void Each_run_shows_its_status_links_to_its_page_and_says_why_it_failed()
    {
        Api.Answer("/api/runs", TwoRuns);

        var cut = Render<RunList>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=run-status]").Count));
        Assert.Equal(["Succeeded", "Failed"], cut.FindAll("[data-testid=run-status]").Select(b => b.GetAttribute("data-status")));
        Assert.Equal(["Succeeded", "Failed"], cut.FindAll("[data-testid=run-status]").Select(b => b.TextContent.Trim()));
        Assert.Equal([$"/runs/{Succeeded}", $"/runs/{Failed}"], cut.FindAll("a[data-testid=run-link]").Select(a => a.GetAttribute("href")));
        Assert.Contains("The file is not UTF-8: byte 0xE9 at offset 17.", cut.Markup, StringComparison.Ordinal);
        Assert.Equal([1_200.ToString("N0", CultureInfo.CurrentCulture), "0"], cut.FindAll("[data-testid=run-rows-loaded]").Select(c => c.TextContent));
        Assert.Contains("4.2 s", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=api-error]"));
        Assert.Contains("/api/runs?limit=100", Api.Requests);
    }

    [Fact]
    public void A_dataset_page_asks_only_for_that_dataset_runs()
    {
        Api.Answer("/api/runs", "[]");

        var cut = Render<RunList>(p => p.Add(c => c.Dataset, "Sales 2024").Add(c => c.Limit, 20));

        cut.WaitForAssertion(() => Assert.Contains("/api/runs?dataset=Sales%202024&limit=20", Api.Requests));
    }

    [Fact]
    public void Without_runs_the_list_invites_to_upload_a_file()
    {
        Api.Answer("/api/runs", "[]");

        var cut = Render<RunList>();

        var empty = cut.WaitForElement("[data-testid=no-runs]");
        Assert.Equal("No runs yet. Upload a file to start one.", empty.TextContent.Trim());
        Assert.Equal("/upload", empty.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=run-status]"));
    }
}
