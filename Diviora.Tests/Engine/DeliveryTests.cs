using Azure.Storage.Queues;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;
using Diviora.Core.Messaging;
using Diviora.Core.Storage;

namespace Diviora.Tests.Engine;

/// <summary>Exactly-once and give-up behaviour of a run's deliveries, on a real Azurite queue, SQLite and PostgreSQL.</summary>
[Collection(Diviora.Tests.Warehouse.WarehouseCollection.Name)]
[Trait("Category", "Faults")]
public sealed class DeliveryTests(Diviora.Tests.Warehouse.WarehouseFixture fixture)
{
    private const string Csv = "id,name\n1,a\n2,b\n3,c\n";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_redelivered_message_for_a_finished_run_changes_nothing(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var handler = engine.Get<IRunMessageHandler>();
        var runId = await engine.QueueRunAsync("once", Csv);

        var first = await handler.HandleAsync(new RunMessage(runId, null, null), 1, CancellationToken.None);
        var finished = await engine.RunAsync(runId);
        var second = await handler.HandleAsync(new RunMessage(runId, null, null), 2, CancellationToken.None);

        Assert.Equal(DeliveryAction.Complete, first.Action);
        Assert.Equal(DeliveryAction.Complete, second.Action);
        var after = await engine.RunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, after.Status);
        Assert.Equal(finished.FinishedAt, after.FinishedAt);
        Assert.Equal(1, after.Attempts);
        Assert.Equal(3, await engine.CountRowsAsync("once"));
        Assert.Equal(3, after.Dataset.RowCount);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Duplicate_messages_start_a_run_once_and_leave_a_running_run_to_the_message_it_runs_under(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var handler = engine.Get<IRunMessageHandler>();

        // Two messages of one Queued run delivered at once (the sweep resent one): one attempt loads it.
        var raced = await engine.QueueRunAsync("duplicated", Csv);
        var outcomes = await Task.WhenAll(
            Task.Run(() => handler.HandleAsync(new RunMessage(raced, null, null) { MessageId = "m-1" }, 1, CancellationToken.None)),
            Task.Run(() => handler.HandleAsync(new RunMessage(raced, null, null) { MessageId = "m-2" }, 1, CancellationToken.None)));
        Assert.All(outcomes, o => Assert.Equal(DeliveryAction.Complete, o.Action));
        var once = await engine.RunAsync(raced);
        Assert.Equal((RunStatus.Succeeded, 1, 3L, (string?)null), (once.Status, once.Attempts, once.RowsLoaded, once.Notes));
        Assert.Equal(3, await engine.CountRowsAsync("duplicated"));

        // A run Running under message m-1: another message leaves it alone; m-1 back again (its lease ran out) takes it over.
        var running = await engine.QueueRunAsync("leased", Csv);
        await engine.UpdateRunAsync(running, run => run.Start(DateTime.UtcNow, "m-1"));
        Assert.Equal(DeliveryAction.Complete, (await handler.HandleAsync(new RunMessage(running, null, null) { MessageId = "m-2" }, 1, CancellationToken.None)).Action);
        var untouched = await engine.RunAsync(running);
        Assert.Equal((RunStatus.Running, 1, 0L), (untouched.Status, untouched.Attempts, untouched.Dataset.RowCount));

        Assert.Equal(DeliveryAction.Complete, (await handler.HandleAsync(new RunMessage(running, null, null) { MessageId = "m-1" }, 2, CancellationToken.None)).Action);
        var takenOver = await engine.RunAsync(running);
        Assert.Equal((RunStatus.Succeeded, 2, 3L), (takenOver.Status, takenOver.Attempts, takenOver.RowsLoaded));
        Assert.EndsWith("Attempt 2 took over: attempt 1 stopped renewing its lease (its worker stopped or lost the queue).", takenOver.Notes, StringComparison.Ordinal);
        Assert.Equal(DeliveryAction.Complete, (await handler.HandleAsync(new RunMessage(running, null, null) { MessageId = "m-3" }, 1, CancellationToken.None)).Action);
        Assert.Equal((2, 3L), ((await engine.RunAsync(running)).Attempts, await engine.CountRowsAsync("leased")));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_run_left_running_by_a_crashed_attempt_loads_once_on_redelivery(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var runId = await engine.QueueRunAsync("crashed", Csv);
        await engine.UpdateRunAsync(runId, run => run.Start(DateTime.UtcNow));

        var outcome = await engine.Get<IRunMessageHandler>().HandleAsync(new RunMessage(runId, null, null), 2, CancellationToken.None);

        Assert.Equal(DeliveryAction.Complete, outcome.Action);
        var run = await engine.RunAsync(runId);
        Assert.Equal((RunStatus.Succeeded, 2, 3L), (run.Status, run.Attempts, run.RowsLoaded));
        Assert.Equal(3, await engine.CountRowsAsync("crashed"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_run_that_dies_mid_load_and_is_delivered_again_loads_each_row_exactly_once(string kind)
    {
        var csv = "id,name\n" + string.Concat(Enumerable.Range(1, 20_000).Select(i => $"{i},name {i}\n"));
        // The second open of the payload is the first attempt's loading pass: it breaks off after 64 KB of rows.
        var store = (IPayloadStore inner) => new BreakingPayloadStore(inner, breakOnOpen: 2, afterBytes: 64 * 1024);
        await using var engine = await fixture.EngineAsync(kind, store);
        var handler = engine.Get<IRunMessageHandler>();
        var runId = await engine.QueueRunAsync("interrupted", csv);

        var first = await handler.HandleAsync(new RunMessage(runId, null, null), 1, CancellationToken.None);
        var afterCrash = await engine.RunAsync(runId);
        var second = await handler.HandleAsync(new RunMessage(runId, null, null), 2, CancellationToken.None);

        Assert.Equal(DeliveryAction.Retry, first.Action);
        Assert.Equal((RunStatus.Queued, 0L), (afterCrash.Status, afterCrash.Dataset.RowCount));
        Assert.StartsWith("Attempt 1 failed and will be retried: the connection broke", afterCrash.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryAction.Complete, second.Action);
        var run = await engine.RunAsync(runId);
        Assert.Equal((RunStatus.Succeeded, 20_000L, 2), (run.Status, run.RowsLoaded, run.Attempts));
        Assert.Equal(20_000, await engine.CountRowsAsync("interrupted"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_attempt_that_was_taken_over_commits_nothing(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var runId = await engine.QueueRunAsync("taken-over", Csv);
        // Attempt 1 is still working while a redelivery started attempt 2.
        await engine.UpdateRunAsync(runId, run =>
        {
            run.Start(DateTime.UtcNow);
            run.Start(DateTime.UtcNow);
        });

        await Assert.ThrowsAsync<RunSupersededException>(() => engine.Get<IngestionPipeline>().LoadAsync(runId, attempt: 1, CancellationToken.None));

        var run = await engine.RunAsync(runId);
        Assert.Equal((RunStatus.Running, 0L, 0L), (run.Status, run.RowsLoaded, run.Dataset.RowCount));
        Assert.Empty(run.Dataset.Columns);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task After_five_failed_deliveries_the_message_is_poisoned_and_the_run_fails_with_the_last_error(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        // No payload behind the run: every delivery fails on reading the blob.
        var runId = await engine.QueueRunAsync("lost-payload", csv: null);
        await engine.Get<IIngestionQueue>().SendAsync(new RunMessage(runId, null, null), CancellationToken.None);

        var queues = new QueueServiceClient(fixture.Azurite.ConnectionString);
        var poison = queues.GetQueueClient(engine.QueueName + "-poison");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var consuming = engine.Get<IIngestionConsumer>().ConsumeAsync(engine.Get<IRunMessageHandler>(), stop.Token);
        Run run;
        do
        {
            await Task.Delay(100);
            run = await engine.RunAsync(runId);
        }
        // The run fails first and the message moves to the poison queue after: stopping in between would cancel the move.
        while ((run.Status != RunStatus.Failed || !await poison.ExistsAsync() || (await poison.PeekMessagesAsync(10)).Value.Length == 0)
            && !stop.IsCancellationRequested);
        await stop.CancelAsync();
        try
        {
            await consuming;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(5, run.Attempts);
        Assert.StartsWith("Gave up after 5 attempts. The last error: ", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"The last error: Azure Storage answered 404 \((ContainerNotFound|BlobNotFound)\)", run.Error);

        var poisoned = (await poison.PeekMessagesAsync(10)).Value;
        Assert.True(RunMessage.TryParse(Assert.Single(poisoned).Body, out var message));
        Assert.Equal(runId, message.RunId);
        Assert.Empty((await queues.GetQueueClient(engine.QueueName).PeekMessagesAsync(10)).Value);
    }
}
