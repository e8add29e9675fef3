using AngleSharp.Dom;
using Bunit;
using Diviora.Web.Components.Pages;
using Diviora.Web.Components.Runs;

namespace Diviora.Tests.Web.Components;

/// <summary>An Api that stops answering becomes a message on the page, and the page recovers when it is back.</summary>
[Trait("Category", "Unit")]
public sealed class ApiDownTests : DashboardContext
{
    private const string OneRun = """
        [{"id":"6f1c2a4e-0000-4000-8000-000000000001","dataset":"sales","status":"Running","rowsRead":10,"rowsLoaded":0,"rowsRejected":0,
          "error":null,"createdAt":"2025-03-01T08:00:00Z","startedAt":"2025-03-01T08:00:01Z","finishedAt":null}]
        """;

    [Fact]
    public void The_runs_list_says_the_Api_is_not_answering_instead_of_failing()
    {
        Api.Down = true;

        var cut = Render<RunList>();

        var bar = cut.WaitForElement("[data-testid=api-error]");
        AssertSaysTheApiIsDown(bar);
        Assert.Equal(
            "The Diviora Api is not answering (Connection refused (api:443)). Its data will show again as soon as it is back.",
            bar.QuerySelector(".content")!.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=run-status]"));
        Assert.Empty(cut.FindAll("[data-testid=no-runs]"));
    }

    [Fact]
    public void The_runs_list_shows_the_runs_and_drops_the_message_once_the_Api_is_back()
    {
        Api.Down = true;
        var cut = Render<RunList>();
        cut.WaitForElement("[data-testid=api-error]");

        Api.Answer("/api/runs", OneRun);
        Api.Down = false;

        // The list asks again every second by itself.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=run-status]")), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-testid=api-error]"));
        Assert.Equal("Running", cut.Find("[data-testid=run-status]").GetAttribute("data-status"));
    }

    [Fact]
    public void The_run_page_says_the_Api_is_not_answering_and_recovers()
    {
        var id = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000003");
        Api.Down = true;

        var cut = Render<Run>(p => p.Add(c => c.Id, id));

        AssertSaysTheApiIsDown(cut.WaitForElement("[data-testid=api-error]"));
        Assert.Empty(cut.FindAll("[data-testid=run-status]"));

        Api.Answer($"/api/runs/{id}", $$$"""
            {"id":"{{{id}}}","dataset":"sales","status":"Succeeded","rowsRead":2,"rowsLoaded":2,"rowsRejected":0,"error":null,
             "createdAt":"2025-03-01T08:00:00Z","startedAt":"2025-03-01T08:00:01Z","finishedAt":"2025-03-01T08:00:02Z",
             "timings":{"inferMs":100,"stageMs":300,"loadMs":200}}
            """);
        Api.Down = false;

        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find("[data-testid=run-status]").GetAttribute("data-status")), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-testid=api-error]"));
        Assert.Equal("2", cut.Find("[data-testid=rows-loaded]").TextContent);
        Assert.Equal(5, cut.FindAll("[data-testid=run-stage]").Count);
    }

    [Fact]
    public void A_run_that_does_not_exist_says_so()
    {
        var id = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000004");

        var cut = Render<Run>(p => p.Add(c => c.Id, id));

        var message = cut.WaitForElement("[data-testid=run-not-found]");
        Assert.Contains(id.ToString(), message.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=api-error]"));
    }

    private static void AssertSaysTheApiIsDown(IElement bar)
    {
        // A warning, not an error: nothing the user did was refused, and the page keeps trying.
        Assert.Equal("warning", bar.GetAttribute("intent"));
        Assert.Equal("The Api is not answering", bar.QuerySelector(".title")!.TextContent);
    }
}
