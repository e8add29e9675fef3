using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;

namespace Diviora.Tests.Catalog;

[Trait("Category", "Unit")]
public sealed class RunTests
{
    private static readonly DateTime Created = new(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Later = Created.AddMinutes(5);

    private static Run Queued() =>
        Run.Queue(Guid.CreateVersion7(), Dataset.Create("orders", Created), new RunPayload("orders/r/data.csv", "data.csv", 42, "{\"format\":\"csv\"}"),
            "ada", Created);

    private static Run Running()
    {
        var run = Queued();
        run.Start(Created.AddMinutes(1));
        return run;
    }

    private static LoadSummary Loaded => new(10, 2, "orders/r.csv", "csv (',', utf-8)", TimeSpan.FromMilliseconds(11), TimeSpan.FromMilliseconds(22),
        TimeSpan.FromMilliseconds(33));

    [Fact]
    public void A_queued_upload_has_its_payload_and_starter_and_no_source()
    {
        var run = Queued();

        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(("orders/r/data.csv", "data.csv", 42L, "{\"format\":\"csv\"}"), (run.BlobName, run.FileName, run.SizeBytes, run.Options));
        Assert.Equal(("ada", Created), (run.StartedBy, run.CreatedAt));
        Assert.Equal("orders", run.Dataset.Name);
        Assert.Equal((0, (DateTime?)null, (DateTime?)null), (run.Attempts, run.StartedAt, run.FinishedAt));
        Assert.Equal((null, null, null, null), (run.SourceId, run.SourceName, run.Mapping, run.FetchMilliseconds));
    }

    [Fact]
    public void A_queued_source_run_keeps_the_source_name_and_mapping_of_that_moment()
    {
        var source = new Source
        {
            Id = Guid.CreateVersion7(), Name = "Drop", NormalizedName = "drop", Kind = "dropzone", DatasetName = "orders", Settings = "{}",
            Mapping = "{\"columns\":{}}",
        };

        var run = Run.Queue(Guid.CreateVersion7(), Dataset.Create("orders", Created), new RunPayload("orders/r/a.csv", "in/a.csv", 7) { FetchMilliseconds = 3 },
            RunStarters.DropZone, Created, source);

        Assert.Equal((source.Id, "Drop", "{\"columns\":{}}", 3L), (run.SourceId, run.SourceName, run.Mapping, run.FetchMilliseconds));
    }

    [Fact]
    public void Starting_counts_the_attempt_and_a_restart_keeps_when_it_first_started()
    {
        var run = Queued();

        run.Start(Created.AddMinutes(1));
        Assert.Equal((RunStatus.Running, 1, Created.AddMinutes(1)), (run.Status, run.Attempts, run.StartedAt));

        run.Start(Created.AddMinutes(2));
        Assert.Equal((RunStatus.Running, 2, Created.AddMinutes(1)), (run.Status, run.Attempts, run.StartedAt));
    }

    [Fact]
    public void A_run_found_running_is_taken_over_by_the_next_attempt_and_says_so()
    {
        var run = Queued();
        run.Start(Created.AddMinutes(1), "message-1");
        Assert.Null(run.Notes);

        run.Start(Later, "message-1");

        Assert.Equal((RunStatus.Running, 2, "message-1"), (run.Status, run.Attempts, run.MessageId));
        Assert.Equal("2026-03-01 08:05:00Z Attempt 2 took over: attempt 1 stopped renewing its lease (its worker stopped or lost the queue).", run.Notes);
        run.Succeed(Loaded, Later);
        Assert.Equal((RunStatus.Succeeded, null), (run.Status, run.Error));
        Assert.StartsWith("2026-03-01 08:05:00Z Attempt 2 took over", run.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retried_run_starts_again_without_a_note()
    {
        var run = Running();
        run.Requeue("Attempt 1 failed and will be retried: timeout", Later);
        Assert.Equal(Later, run.QueuedAt);

        run.Start(Later.AddSeconds(2));

        Assert.Equal((RunStatus.Running, 2, (string?)null), (run.Status, run.Attempts, run.Notes));
    }

    [Fact]
    public void Another_message_for_a_run_running_under_a_known_message_is_a_duplicate()
    {
        var run = Queued();
        Assert.False(run.IsRunningUnderAnotherMessage("a"));

        run.Start(Created, "a");

        Assert.True(run.IsRunningUnderAnotherMessage("b"));
        Assert.False(run.IsRunningUnderAnotherMessage("a"));
        // A message or a run without an id cannot be told apart: the delivery takes the run over, as before ids were kept.
        Assert.False(run.IsRunningUnderAnotherMessage(null));
        run.Start(Later);
        Assert.False(run.IsRunningUnderAnotherMessage("b"));
    }

    [Fact]
    public void A_resent_run_says_since_when_it_waited_and_waits_afresh()
    {
        var run = Queued();
        Assert.Equal(Created, run.QueuedAt);

        run.Resend(Later);

        Assert.Equal((RunStatus.Queued, Later), (run.Status, run.QueuedAt));
        Assert.Equal("2026-03-01 08:05:00Z Queued since 2026-03-01 08:00:00Z and not started: its message was presumed lost and sent again.", run.Notes);
        run.Start(Later.AddMinutes(1));
        Assert.Throws<InvalidOperationException>(() => run.Resend(Later.AddMinutes(2)));
    }

    [Fact]
    public void Notes_keep_their_newest_lines_when_they_grow_too_long()
    {
        var run = Queued();
        for (var i = 0; i < 100; i++)
        {
            run.Start(Created.AddMinutes(i));
        }

        Assert.True(run.Notes!.Length <= Run.MaxNotesLength);
        Assert.EndsWith("Attempt 100 took over: attempt 99 stopped renewing its lease (its worker stopped or lost the queue).", run.Notes, StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-", run.Notes);
    }

    [Fact]
    public void A_requeued_run_waits_with_its_transient_error_and_starts_again()
    {
        var run = Running();

        run.Requeue("Attempt 1 failed and will be retried: timeout", Later);
        Assert.Equal((RunStatus.Queued, "Attempt 1 failed and will be retried: timeout"), (run.Status, run.Error));

        run.Start(Later);
        Assert.Equal((RunStatus.Running, 2), (run.Status, run.Attempts));
    }

    [Fact]
    public void A_success_records_rows_format_and_timings_and_clears_the_last_transient_error()
    {
        var run = Running();
        run.Requeue("Attempt 1 failed and will be retried: timeout", Later);
        run.Start(Later);

        run.Succeed(Loaded, Later);

        Assert.Equal((RunStatus.Succeeded, (string?)null, (DateTime?)Later), (run.Status, run.Error, run.FinishedAt));
        Assert.Equal((12L, 10L, 2L, "orders/r.csv"), (run.RowsRead, run.RowsLoaded, run.RowsRejected, run.RejectsBlob));
        Assert.Equal("csv (',', utf-8)", run.Format);
        Assert.Equal(((long?)11, (long?)22, (long?)33), (run.InferMilliseconds, run.StageMilliseconds, run.LoadMilliseconds));
    }

    [Fact]
    public void A_source_run_that_fetched_nothing_succeeds_with_no_rows()
    {
        var run = Running();

        run.SucceedEmpty(Later);

        Assert.Equal((RunStatus.Succeeded, 0L, 0L, 0L), (run.Status, run.RowsRead, run.RowsLoaded, run.RowsRejected));
        Assert.Equal(Later, run.FinishedAt);
    }

    [Fact]
    public void A_failure_records_why_and_what_was_rejected()
    {
        var run = Running();

        run.Fail("Row 3, column 'amount': 'x' is not a number.", Later, new RejectedRows(3, 1, "orders/r.csv"));

        Assert.Equal((RunStatus.Failed, "Row 3, column 'amount': 'x' is not a number.", (DateTime?)Later), (run.Status, run.Error, run.FinishedAt));
        Assert.Equal((3L, 0L, 1L, "orders/r.csv"), (run.RowsRead, run.RowsLoaded, run.RowsRejected, run.RejectsBlob));
    }

    [Fact]
    public void A_run_that_could_not_be_queued_fails_before_it_starts_and_a_long_error_is_cut()
    {
        var run = Queued();

        run.Fail(new string('x', Run.MaxErrorLength + 10), Later);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(Run.MaxErrorLength, run.Error!.Length);
        Assert.Equal(0, run.Attempts);
    }

    [Fact]
    public void Only_a_running_run_succeeds_or_is_requeued()
    {
        var queued = Queued();
        var succeeded = Running();
        succeeded.Succeed(Loaded, Later);

        Assert.Contains("only a Running run can succeed", Assert.Throws<InvalidOperationException>(() => queued.Succeed(Loaded, Later)).Message,
            StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => queued.SucceedEmpty(Later));
        Assert.Throws<InvalidOperationException>(() => queued.Requeue("timeout", Later));
        Assert.Throws<InvalidOperationException>(() => succeeded.Succeed(Loaded, Later));
        Assert.Throws<InvalidOperationException>(() => succeeded.Requeue("timeout", Later));
        Assert.Equal(RunStatus.Queued, queued.Status);
    }

    [Fact]
    public void An_ended_run_does_not_start_again_and_a_succeeded_one_does_not_fail()
    {
        var succeeded = Running();
        succeeded.Succeed(Loaded, Later);
        var failed = Running();
        failed.Fail("bad", Later);

        Assert.Contains("cannot start again", Assert.Throws<InvalidOperationException>(() => succeeded.Start(Later)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => failed.Start(Later));
        Assert.Contains("cannot fail", Assert.Throws<InvalidOperationException>(() => succeeded.Fail("late", Later)).Message, StringComparison.Ordinal);
        Assert.Equal((RunStatus.Succeeded, (string?)null, 1), (succeeded.Status, succeeded.Error, succeeded.Attempts));
    }

    [Fact]
    public void A_replay_is_a_new_queued_run_of_the_same_payload_without_the_source()
    {
        var source = new Source { Id = Guid.CreateVersion7(), Name = "crm", NormalizedName = "crm", Kind = "rest", DatasetName = "orders", Settings = "{}", Mapping = "{}" };
        var original = Run.Queue(Guid.CreateVersion7(), Dataset.Create("orders", Created), new RunPayload("orders/r/crm.jsonl", "crm.jsonl", 9, "{}"), "ada",
            Created, source);
        original.Start(Created);
        original.Fail("bad", Later);
        var id = Guid.CreateVersion7();

        var replay = original.Replay(id, "grace", Later);

        Assert.Equal((id, RunStatus.Queued, "grace", Later), (replay.Id, replay.Status, replay.StartedBy, replay.CreatedAt));
        Assert.Equal((original.DatasetId, original.BlobName, original.FileName, original.SizeBytes, original.Options),
            (replay.DatasetId, replay.BlobName, replay.FileName, replay.SizeBytes, replay.Options));
        Assert.Equal(("crm", "{}", (Guid?)null), (replay.SourceName, replay.Mapping, replay.SourceId));
        Assert.Equal((0, (string?)null), (replay.Attempts, replay.Error));
    }

    [Fact]
    public void A_run_that_has_not_ended_is_not_replayed()
    {
        var running = Running();

        Assert.Contains("only a run that has ended", Assert.Throws<InvalidOperationException>(() => running.Replay(Guid.CreateVersion7(), "grace", Later)).Message,
            StringComparison.Ordinal);
    }
}
