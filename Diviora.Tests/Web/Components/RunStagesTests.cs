using System.Globalization;
using Diviora.Web.Api;
using Diviora.Web.Components.Runs;

namespace Diviora.Tests.Web.Components;

/// <summary>A run's timeline and the words and numbers that describe runs on screen.</summary>
[Trait("Category", "Unit")]
public sealed class RunStagesTests
{
    private static readonly DateTime Created = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_queued_run_is_waiting_in_the_queue_and_everything_after_is_pending()
    {
        var run = Run("Queued");

        var stages = RunStages.Of(run, Created.AddSeconds(4));

        Assert.Equal(["Queued", "Read, validate and load", "Finished"], stages.Select(s => s.Name));
        Assert.Equal(["active", "pending", "pending"], stages.Select(s => s.State));
        Assert.Equal(["4.0 s so far", "waiting", "waiting"], stages.Select(s => s.Text));
        Assert.Equal([100d, 0, 0], stages.Select(s => s.Share));
    }

    [Fact]
    public void A_running_run_without_timings_shows_one_active_processing_stage()
    {
        var run = Run("Running") with { StartedAt = Created.AddSeconds(2) };

        var stages = RunStages.Of(run, Created.AddSeconds(10));

        Assert.Equal(["Queued", "Read, validate and load", "Finished"], stages.Select(s => s.Name));
        Assert.Equal(["done", "active", "pending"], stages.Select(s => s.State));
        Assert.Equal(["2.0 s", "8.0 s so far", "waiting"], stages.Select(s => s.Text));
        Assert.Equal([25d, 100, 0], stages.Select(s => s.Share));
    }

    [Fact]
    public void A_succeeded_run_with_timings_shows_the_three_passes_relative_to_the_longest()
    {
        var run = Run("Succeeded") with
        {
            StartedAt = Created.AddSeconds(1),
            FinishedAt = Created.AddSeconds(8),
            Timings = new RunTimings(InferMs: 350, StageMs: 4_000, LoadMs: 2_000),
        };

        var stages = RunStages.Of(run, Created.AddHours(1));

        Assert.Equal(
            ["Queued", "Read and infer the schema", "Validate, type and stage rows", "Load into the dataset", "Succeeded"],
            stages.Select(s => s.Name));
        Assert.All(stages, s => Assert.Equal("done", s.State));
        Assert.Equal(["1.0 s", "350 ms", "4.0 s", "2.0 s", ""], stages.Select(s => s.Text));
        Assert.Equal([25d, 8.75, 100, 50, 0], stages.Select(s => s.Share));
    }

    [Fact]
    public void A_source_run_shows_its_fetch_before_the_passes()
    {
        var run = Run("Succeeded") with
        {
            StartedAt = Created.AddSeconds(1),
            FinishedAt = Created.AddSeconds(9),
            Timings = new RunTimings(InferMs: 500, StageMs: 1_000, LoadMs: 500),
            Source = "crm",
            FetchMs = 2_000,
        };

        var stages = RunStages.Of(run, Created.AddHours(1));

        Assert.Equal(
            ["Queued", "Fetch from the source", "Read and infer the schema", "Validate, type and stage rows", "Load into the dataset", "Succeeded"],
            stages.Select(s => s.Name));
        Assert.Equal(["1.0 s", "2.0 s", "500 ms", "1.0 s", "500 ms", ""], stages.Select(s => s.Text));
    }

    [Fact]
    public void A_very_short_stage_still_shows_a_sliver()
    {
        var run = Run("Succeeded") with
        {
            StartedAt = Created.AddMilliseconds(1),
            FinishedAt = Created.AddMinutes(10),
            Timings = new RunTimings(InferMs: 1, StageMs: 600_000, LoadMs: 5),
        };

        var stages = RunStages.Of(run, Created.AddHours(1));

        Assert.Equal(1, stages[0].Share);
        Assert.Equal(1, stages[1].Share);
        Assert.Equal(100, stages[2].Share);
        Assert.Equal(1, stages[3].Share);
    }

    [Fact]
    public void A_failed_run_with_timings_fails_at_the_load_and_ends_failed()
    {
        var run = Run("Failed", "column amount: 'abc' is not a number") with
        {
            StartedAt = Created.AddSeconds(1),
            FinishedAt = Created.AddSeconds(3),
            Timings = new RunTimings(100, 200, 300),
        };

        var stages = RunStages.Of(run, Created.AddHours(1));

        Assert.Equal(["done", "done", "done", "failed", "failed"], stages.Select(s => s.State));
        Assert.Equal("Failed", stages[^1].Name);
    }

    [Fact]
    public void A_run_that_failed_while_processing_without_timings_fails_there()
    {
        var run = Run("Failed", "the file is not UTF-8") with { StartedAt = Created.AddSeconds(1), FinishedAt = Created.AddSeconds(61) };

        var stages = RunStages.Of(run, Created.AddHours(1));

        Assert.Equal(["done", "failed", "failed"], stages.Select(s => s.State));
        Assert.Equal("1 min 0 s", stages[1].Text);
    }

    [Fact]
    public void A_run_that_failed_before_it_started_skips_processing()
    {
        var run = Run("Failed", "the upload was lost") with { FinishedAt = Created.AddSeconds(30) };

        var stages = RunStages.Of(run, Created.AddHours(1));

        Assert.Equal(["done", "skipped", "failed"], stages.Select(s => s.State));
        Assert.Equal(["30.0 s", "did not run", ""], stages.Select(s => s.Text));
    }

    [Theory]
    [InlineData(-5, "0 ms")]
    [InlineData(0, "0 ms")]
    [InlineData(350, "350 ms")]
    [InlineData(4_200, "4.2 s")]
    [InlineData(185_000, "3 min 5 s")]
    [InlineData(7_440_000, "2 h 4 min")]
    [InlineData(90_000_000, "25 h 0 min")]
    public void Durations_read_in_the_largest_unit_that_reads_well(long milliseconds, string text) =>
        Assert.Equal(text, RunText.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1_023, "1023 B")]
    [InlineData(1_536, "1.5 KB")]
    [InlineData(5 * 1024 * 1024, "5.0 MB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.00 GB")]
    public void Sizes_read_in_bytes_kilobytes_megabytes_and_gigabytes(long bytes, string text) =>
        Assert.Equal(text, RunText.Size(bytes));

    [Fact]
    public void Row_counts_say_row_or_rows()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-US");
        try
        {
            Assert.Equal("1 row", RunText.Rows(1));
            Assert.Equal("0 rows", RunText.Rows(0));
            Assert.Equal("5,000 rows", RunText.Rows(5_000));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Took_counts_from_start_to_end_or_to_now()
    {
        var started = Run("Running") with { StartedAt = Created.AddSeconds(1) };

        Assert.Equal("", RunText.Took(Run("Queued")));
        Assert.Equal("2.5 s", RunText.Took(started, Created.AddSeconds(3.5)));
        Assert.Equal("3 min 0 s", RunText.Took(started with { Status = "Succeeded", FinishedAt = Created.AddSeconds(181) }, Created.AddHours(1)));
    }

    internal static RunSummary Run(string status, string? error = null) =>
        new(Guid.NewGuid(), "sales", status, 0, 0, 0, error, Created, null, null);
}
