using System.Diagnostics;
using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Sources;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Ingestion;

/// <summary>
/// Handles a run message: marks the run Running, loads it, and ends it Succeeded or Failed. A message for a run that
/// already ended changes nothing; a transient failure is retried until the queue's delivery limit, then the run fails
/// with the last error and the message is dead-lettered.
/// </summary>
public sealed partial class RunProcessor(
    IWarehouse warehouse, IngestionPipeline pipeline, IOptions<QueueOptions> options, TimeProvider time, ILogger<RunProcessor> logger,
    SourcePayloads? payloads = null)
    : IRunMessageHandler
{
    /// <inheritdoc />
    public async Task<DeliveryOutcome> HandleAsync(RunMessage message, int deliveryCount, CancellationToken cancellationToken)
    {
        using var activity = DivioraTelemetry.Ingestion.StartActivity("ingestion run", ActivityKind.Consumer, message.ParentContext);
        activity?.SetTag("diviora.run.id", message.RunId);
        activity?.SetTag("messaging.message.delivery_count", deliveryCount);

        var (attempt, idle) = await StartAsync(message, cancellationToken);
        if (attempt is null)
        {
            LogNothingToDo(message.RunId, idle);
            return DeliveryOutcome.Complete;
        }

        LogStarted(message.RunId, attempt.Value, Environment.ProcessId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A source's run fetches its payload first; one that found nothing new has nothing to load.
            if (payloads is not null && !await payloads.EnsureAsync(message.RunId, attempt.Value, cancellationToken))
            {
                await SucceedEmptyAsync(message.RunId, attempt.Value, cancellationToken);
                Ended(RunStatus.Succeeded, started);
                LogNothingFetched(message.RunId);
                return DeliveryOutcome.Complete;
            }

            var result = await pipeline.LoadAsync(message.RunId, attempt.Value, cancellationToken);
            DivioraTelemetry.RowsLoaded.Add(result.Rows);
            DivioraTelemetry.RowsRejected.Add(result.Rejected);
            Ended(RunStatus.Succeeded, started);
            LogSucceeded(message.RunId, result.Rows, result.Infer.TotalSeconds, result.Stage.TotalSeconds, result.Append.TotalSeconds);
            return DeliveryOutcome.Complete;
        }
        catch (Exception e) when (e is IngestionDataException or InvalidDataException)
        {
            // InvalidDataException comes from decompression: the payload itself is corrupt, so retrying cannot help.
            var error = e is InvalidDataException ? $"The compressed data is corrupt: {e.Message}" : e.Message;
            activity?.SetStatus(ActivityStatusCode.Error, error);
            var rejected = (e as IngestionDataException)?.Rejected;
            await FailAsync(message.RunId, attempt.Value, error, cancellationToken, rejected);
            DivioraTelemetry.RowsRejected.Add(rejected?.RowsRejected ?? 0);
            Ended(RunStatus.Failed, started);
            LogFailed(message.RunId, error);
            return DeliveryOutcome.Complete;
        }
        catch (RunSupersededException e)
        {
            LogSuperseded(message.RunId, e.Message);
            return DeliveryOutcome.Complete;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.AddException(e);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (deliveryCount >= options.Value.MaxDeliveries)
            {
                var error = $"Gave up after {deliveryCount} attempts. The last error: {Describe(e)}";
                await FailAsync(message.RunId, attempt.Value, error, cancellationToken);
                Ended(RunStatus.Failed, started);
                LogGaveUp(e, message.RunId, deliveryCount);
                return new DeliveryOutcome(DeliveryAction.DeadLetter, error);
            }

            await RecordRetryAsync(message.RunId, attempt.Value, $"Attempt {deliveryCount} failed and will be retried: {Describe(e)}", cancellationToken);
            LogRetrying(e, message.RunId, deliveryCount);
            return new DeliveryOutcome(DeliveryAction.Retry, e.Message);
        }
    }

    /// <summary>
    /// Marks the run Running under this message and returns its attempt number; null, with why, when the run is unknown,
    /// has ended, runs under another message (this one is a duplicate), or another delivery started it a moment ago.
    /// </summary>
    private async Task<(int? Attempt, string Why)> StartAsync(RunMessage message, CancellationToken cancellationToken)
    {
        var why = "it is unknown, or another delivery started it a moment ago";
        var takesOver = false;
        var attempt = await UpdateRunAsync(message.RunId, run =>
        {
            if (run.HasEnded)
            {
                why = $"it has ended ({run.Status})";
                return null;
            }

            if (run.IsRunningUnderAnotherMessage(message.MessageId))
            {
                why = $"attempt {run.Attempts} runs it under another message, which comes back should its worker stop";
                return null;
            }

            takesOver = run.Status == RunStatus.Running;
            run.Start(time.GetUtcNow().UtcDateTime, message.MessageId);
            return run.Attempts;
        }, cancellationToken);
        if (takesOver && attempt is { } taken)
        {
            LogTookOver(message.RunId, taken, taken - 1);
        }

        return (attempt, why);
    }

    private async Task SucceedEmptyAsync(Guid runId, int attempt, CancellationToken cancellationToken) =>
        await UpdateRunAsync(runId, run =>
        {
            if (run.Status != RunStatus.Running || run.Attempts != attempt)
            {
                return (int?)null;
            }

            run.SucceedEmpty(time.GetUtcNow().UtcDateTime);
            return 0;
        }, cancellationToken);

    private async Task FailAsync(Guid runId, int attempt, string error, CancellationToken cancellationToken, RejectedRows? rejected = null) =>
        await UpdateRunAsync(runId, run =>
        {
            // Only the attempt that owns the run ends it; one taken over leaves it to its successor.
            if (run.Status == RunStatus.Succeeded || run.Attempts != attempt)
            {
                return (int?)null;
            }

            run.Fail(error, time.GetUtcNow().UtcDateTime, rejected);
            return 0;
        }, cancellationToken);

    private async Task RecordRetryAsync(Guid runId, int attempt, string error, CancellationToken cancellationToken) =>
        await UpdateRunAsync(runId, run =>
        {
            if (run.Status != RunStatus.Running || run.Attempts != attempt)
            {
                return (int?)null;
            }

            run.Requeue(error, time.GetUtcNow().UtcDateTime);
            return 0;
        }, cancellationToken);

    private async Task<int?> UpdateRunAsync(Guid runId, Func<Run, int?> update, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenAsync(cancellationToken);
        await using var catalog = warehouse.CatalogOn(connection);
        var run = await catalog.Runs.SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var result = update(run);
        if (result is not null)
        {
            try
            {
                await catalog.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another worker or the sweep changed the run since it was read: its change stands, this one is void.
                return null;
            }
        }

        return result;
    }

    private static void Ended(RunStatus status, long started)
    {
        var tag = new KeyValuePair<string, object?>("diviora.run.status", status.ToString());
        DivioraTelemetry.RunsEnded.Add(1, tag);
        DivioraTelemetry.RunDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
    }

    /// <summary>One line a person can act on; Azure SDK messages carry response headers that do not belong in a run.</summary>
    private static string Describe(Exception exception)
    {
        var firstLine = exception.Message.Split('\n', 2)[0].Trim();
        return exception is Azure.RequestFailedException storage
            ? $"Azure Storage answered {storage.Status} ({storage.ErrorCode ?? "no error code"}): {firstLine}"
            : firstLine;
    }

    [LoggerMessage(LogLevel.Warning, "Run {RunId}: attempt {Attempt} took over from attempt {Previous}, which stopped renewing its lease")]
    private partial void LogTookOver(Guid runId, int attempt, int previous);

    [LoggerMessage(LogLevel.Information, "Run {RunId}: attempt {Attempt} started in process {ProcessId}")]
    private partial void LogStarted(Guid runId, int attempt, int processId);

    [LoggerMessage(LogLevel.Information, "Run {RunId} is not started by this message, since {Why}; the message changes nothing")]
    private partial void LogNothingToDo(Guid runId, string why);

    [LoggerMessage(LogLevel.Information, "Run {RunId} succeeded with {Rows} rows (infer {InferSeconds:0.00} s, read and stage {StageSeconds:0.00} s, append {AppendSeconds:0.00} s)")]
    private partial void LogSucceeded(Guid runId, long rows, double inferSeconds, double stageSeconds, double appendSeconds);

    [LoggerMessage(LogLevel.Information, "Run {RunId} succeeded: its source had no new records")]
    private partial void LogNothingFetched(Guid runId);

    [LoggerMessage(LogLevel.Warning, "Run {RunId} failed: {Error}")]
    private partial void LogFailed(Guid runId, string error);

    [LoggerMessage(LogLevel.Information, "Run {RunId}: {Message}")]
    private partial void LogSuperseded(Guid runId, string message);

    [LoggerMessage(LogLevel.Error, "Run {RunId} failed for good after {Deliveries} deliveries")]
    private partial void LogGaveUp(Exception exception, Guid runId, int deliveries);

    [LoggerMessage(LogLevel.Warning, "Run {RunId} failed on delivery {Delivery}; it will be retried")]
    private partial void LogRetrying(Exception exception, Guid runId, int delivery);
}
