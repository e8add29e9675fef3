using System.Globalization;
using Diviora.Core.Catalog;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Messaging;

/// <summary>
/// Finds runs left Queued longer than <see cref="QueueOptions.StaleQueuedAfter"/>, whose message was presumably never
/// sent (the Api or a worker stopped between writing the run and sending it) or was lost: sends the message again when
/// the run's payload is in place, or fails the run with why when it is not. Every change is conditional on the run as
/// the sweep read it, so several workers sweeping at once act on each run once, and a run a worker starts meanwhile is
/// left to it. A message sent for a run that has started or ended changes nothing.
/// </summary>
public sealed partial class RunSweeper(
    IWarehouse warehouse, IIngestionQueue queue, IPayloadStore payloads, IOptions<QueueOptions> options, TimeProvider time, ILogger<RunSweeper> logger)
{
    /// <summary>The most runs one sweep looks at; the next sweep takes the rest.</summary>
    public const int BatchSize = 100;

    /// <summary>Sweeps once; answers how many runs had their message sent again and how many failed.</summary>
    public async Task<RunSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().UtcDateTime - options.Value.StaleQueuedAfter;
        List<Guid> stale;
        await using (var catalog = warehouse.CreateCatalog())
        {
            stale = await catalog.Runs.AsNoTracking()
                .Where(r => r.Status == RunStatus.Queued && (r.QueuedAt ?? r.CreatedAt) < before)
                .OrderBy(r => r.CreatedAt)
                .Select(r => r.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
        }

        var (resent, failed) = (0, 0);
        foreach (var runId in stale)
        {
            switch (await SweepAsync(runId, before, cancellationToken))
            {
                case RunStatus.Queued:
                    resent++;
                    break;
                case RunStatus.Failed:
                    failed++;
                    break;
            }
        }

        return new RunSweep(resent, failed);
    }

    /// <summary>Resends or fails one stale run; answers its status after, or null when another worker or sweep got there first.</summary>
    private async Task<RunStatus?> SweepAsync(Guid runId, DateTime before, CancellationToken cancellationToken)
    {
        await using var catalog = warehouse.CreateCatalog();
        var run = await catalog.Runs.SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is not { Status: RunStatus.Queued } || (run.QueuedAt ?? run.CreatedAt) >= before)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var missing = await MissingPayloadAsync(run, cancellationToken);
        if (missing is not null)
        {
            run.Fail(missing, now);
        }
        else
        {
            run.Resend(now);
        }

        try
        {
            await catalog.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A worker started the run, or another sweep took it, since it was read.
            return null;
        }

        if (missing is not null)
        {
            LogFailed(runId, missing);
            return RunStatus.Failed;
        }

        try
        {
            await queue.SendAsync(RunMessage.For(runId), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run keeps its new wait: a later sweep tries again once it has waited StaleQueuedAfter once more.
            LogNotSent(e, runId);
            return null;
        }

        LogResent(runId);
        return RunStatus.Queued;
    }

    /// <summary>Why the run cannot be loaded because its payload is not in place; null when it is, or is fetched by the worker.</summary>
    private async Task<string?> MissingPayloadAsync(Run run, CancellationToken cancellationToken)
    {
        if (run.SourceId is not null && run.FetchMilliseconds is null)
        {
            // A REST or database source's run fetches its payload once a worker takes it.
            return null;
        }

        var size = await payloads.SizeOfAsync(run.BlobName, cancellationToken);
        var waited = string.Create(CultureInfo.InvariantCulture, $"The run waited Queued since {run.QueuedAt ?? run.CreatedAt:yyyy-MM-dd HH:mm:ss}Z without a worker taking it");
        return size switch
        {
            null => $"{waited}, and its payload '{run.BlobName}' is missing: it was never stored completely, or it was deleted. Send the file again.",
            { } stored when run.SizeBytes > 0 && stored != run.SizeBytes => string.Create(CultureInfo.InvariantCulture,
                $"{waited}, and its payload '{run.BlobName}' holds {stored:N0} bytes, not the {run.SizeBytes:N0} bytes it was stored with. Send the file again."),
            _ => null,
        };
    }

    [LoggerMessage(LogLevel.Warning, "Run {RunId} waited Queued too long with its payload in place; its message was sent again")]
    private partial void LogResent(Guid runId);

    [LoggerMessage(LogLevel.Warning, "Run {RunId} waited Queued too long and cannot be loaded: {Reason}")]
    private partial void LogFailed(Guid runId, string reason);

    [LoggerMessage(LogLevel.Warning, "Run {RunId} waited Queued too long; sending its message again failed, and a later sweep tries again")]
    private partial void LogNotSent(Exception exception, Guid runId);
}
