using Bunit;
using Diviora.Web.Api;
using Diviora.Web.Components.Runs;

namespace Diviora.Tests.Web.Components;

/// <summary>The run page's timeline: one item per stage, marked with its state.</summary>
[Trait("Category", "Unit")]
public sealed class RunTimelineTests : DashboardContext
{
    private static readonly DateTime Created = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_succeeded_run_shows_five_done_stages_with_their_times()
    {
        var run = new RunSummary(Guid.NewGuid(), "sales", "Succeeded", 10, 10, 0, null, Created, Created.AddSeconds(1), Created.AddSeconds(8),
            Timings: new RunTimings(350, 4_000, 2_000));

        var cut = Render<RunTimeline>(p => p.Add(c => c.Run, run));

        var stages = cut.FindAll("[data-testid=run-stage]");
        Assert.Equal(["done", "done", "done", "done", "done"], stages.Select(s => s.GetAttribute("data-state")));
        Assert.Equal(["1.0 s", "350 ms", "4.0 s", "2.0 s", ""], stages.Select(s => s.QuerySelector(".stage-time")!.TextContent));
        Assert.Equal("width:100%", stages[2].QuerySelector(".stage-bar span")!.GetAttribute("style"));
        Assert.Equal("width:8.8%", stages[1].QuerySelector(".stage-bar span")!.GetAttribute("style"));
    }

    [Fact]
    public void A_failed_run_ends_with_a_failed_stage()
    {
        var run = new RunSummary(Guid.NewGuid(), "sales", "Failed", 0, 0, 0, "bad file", Created, Created.AddSeconds(1), Created.AddSeconds(2));

        var cut = Render<RunTimeline>(p => p.Add(c => c.Run, run));

        Assert.Equal(["done", "failed", "failed"], cut.FindAll("[data-testid=run-stage]").Select(s => s.GetAttribute("data-state")));
        Assert.Equal("Failed", cut.FindAll("[data-testid=run-stage] .stage-name")[^1].TextContent);
    }

    [Fact]
    public void A_queued_run_is_active_in_the_queue_and_pending_after()
    {
        var run = new RunSummary(Guid.NewGuid(), "sales", "Queued", 0, 0, 0, null, DateTime.UtcNow.AddSeconds(-3), null, null);

        var cut = Render<RunTimeline>(p => p.Add(c => c.Run, run));

        Assert.Equal(["active", "pending", "pending"], cut.FindAll("[data-testid=run-stage]").Select(s => s.GetAttribute("data-state")));
        Assert.EndsWith("so far", cut.FindAll("[data-testid=run-stage] .stage-time")[0].TextContent, StringComparison.Ordinal);
    }
}
