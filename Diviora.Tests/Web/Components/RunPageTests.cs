using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Diviora.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Web.Components;

/// <summary>
/// A run's page: <c>Load again</c> replays an ended run and opens the new one; runs with nothing stored do not offer it;
/// a run's notes (a take-over) are shown, one line each.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RunPageTests : DashboardContext
{
    private static string RunJson(Guid id, string status, string extra = "") => $$$"""
        {"id":"{{{id}}}","dataset":"sales","status":"{{{status}}}","rowsRead":2,"rowsLoaded":0,"rowsRejected":0,"error":"qty: 'two' is not an integer",
         "createdAt":"2025-03-01T08:00:00Z","startedAt":"2025-03-01T08:00:01Z","finishedAt":"2025-03-01T08:00:02Z","sizeBytes":20{{{extra}}}}
        """;

    [Fact]
    public void Load_again_replays_an_ended_run_and_opens_the_new_run()
    {
        var id = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000010");
        var replay = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000011");
        Api.Answer($"/api/runs/{id}", RunJson(id, "Failed"));
        Api.Answer($"/api/runs/{id}/replay", $$"""{"runId":"{{replay}}","status":"Queued"}""", HttpStatusCode.Accepted);
        var cut = Render<Run>(p => p.Add(c => c.Id, id));

        cut.WaitForElement("[data-testid=replay-run]").Click();

        cut.WaitForAssertion(() => Assert.EndsWith($"/runs/{replay}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal));
        Assert.Contains($"/api/runs/{id}/replay", Api.Requests);
    }

    [Fact]
    public void A_running_run_or_a_source_run_that_stored_nothing_offers_no_replay()
    {
        var running = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000012");
        var empty = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000013");
        Api.Answer($"/api/runs/{running}", RunJson(running, "Running"));
        Api.Answer($"/api/runs/{empty}", RunJson(empty, "Failed", ""","source":"crm" """).Replace("\"sizeBytes\":20", "\"sizeBytes\":0", StringComparison.Ordinal));

        var first = Render<Run>(p => p.Add(c => c.Id, running));
        first.WaitForElement("[data-testid=run-status]");
        var second = Render<Run>(p => p.Add(c => c.Id, empty));
        second.WaitForElement("[data-testid=run-status]");

        Assert.Empty(first.FindAll("[data-testid=replay-run]"));
        Assert.Empty(second.FindAll("[data-testid=replay-run]"));
    }

    [Fact]
    public void A_run_taken_over_says_so_and_one_without_notes_shows_none()
    {
        var takenOver = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000014");
        var plain = Guid.Parse("6f1c2a4e-0000-4000-8000-000000000015");
        const string Note = "2025-03-01 08:00:12Z Attempt 2 took over: attempt 1 stopped renewing its lease (its worker stopped or lost the queue).";
        Api.Answer($"/api/runs/{takenOver}", RunJson(takenOver, "Succeeded", $$""","attempts":2,"notes":"{{Note}}" """));
        Api.Answer($"/api/runs/{plain}", RunJson(plain, "Succeeded"));

        var first = Render<Run>(p => p.Add(c => c.Id, takenOver));
        var second = Render<Run>(p => p.Add(c => c.Id, plain));

        Assert.Equal(Note, first.WaitForElement("[data-testid=run-notes] .run-notes").TextContent.Trim());
        second.WaitForElement("[data-testid=run-status]");
        Assert.Empty(second.FindAll("[data-testid=run-notes]"));
    }
}
