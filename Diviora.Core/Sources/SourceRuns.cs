using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Messaging;
using Diviora.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Sources;

/// <summary>
/// Starts runs of sources: an ordinary run in the catalog (Queued, with the source's name, mapping and the blob its
/// payload will be stored in), then its message on the ingestion queue. Runs of REST and database sources fetch their
/// payload when a worker takes them (<see cref="SourcePayloads"/>); a drop-zone run's payload is stored before it starts.
/// </summary>
public static class SourceRuns
{
    /// <summary>
    /// The run of source <paramref name="sourceId"/> that is queued or running, if any: a source's pulls never overlap, so a
    /// new one waits until it ends.
    /// </summary>
    public static Task<Run?> ActiveRunAsync(CatalogDbContext catalog, Guid sourceId, CancellationToken cancellationToken) =>
        catalog.Runs.AsNoTracking()
            .Where(r => r.SourceId == sourceId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .OrderBy(r => r.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Starts a run of a REST or database source whose payload the worker fetches (JSON Lines, stored under the run's
    /// raw blob before it is read), unless one is queued or running. Two starters racing (a double-clicked
    /// <c>Run now</c>, or <c>Run now</c> and the scheduler) cannot both win: each claims the source by moving its
    /// <see cref="Source.LastRunAt"/> from the value it read, in the same transaction that writes the run. Pass the
    /// source as read from the catalog, untracked: its <see cref="Source.LastRunAt"/> is the claim.
    /// </summary>
    /// <returns>The run started, or the run that is still active (or null when another starter won meanwhile).</returns>
    /// <exception cref="SourceRunException">The run could not be queued; it is recorded as failed.</exception>
    public static async Task<SourceRunStart> StartPullAsync(
        CatalogDbContext catalog, IIngestionQueue queue, Source source, string startedBy, DateTime now, CancellationToken cancellationToken)
    {
        var runId = Guid.CreateVersion7();
        var fileName = source.Name + ".jsonl";
        var payload = new RunPayload(RawStore.BlobNameFor(source.DatasetName, runId, fileName), fileName,
            Options: RunOptions.Serialize(new FormatOptions { Format = "jsonl" }));
        var dataset = await Dataset.FindOrCreateAsync(catalog, source.DatasetName, now, cancellationToken);
        Run run;
        await using (var transaction = await catalog.Database.BeginTransactionAsync(cancellationToken))
        {
            var seen = source.LastRunAt;
            var claimed = await catalog.Sources
                .Where(s => s.Id == source.Id && s.LastRunAt == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastRunAt, now), cancellationToken);
            var active = await ActiveRunAsync(catalog, source.Id, cancellationToken);
            if (claimed == 0 || active is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new SourceRunStart(null, active);
            }

            run = Run.Queue(runId, dataset, payload, startedBy, now, source);
            catalog.Runs.Add(run);
            await catalog.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (await RunQueueing.SendOrFailAsync(catalog, queue, run, now) is { } notQueued)
        {
            throw new SourceRunException(notQueued);
        }

        return new SourceRunStart(run, null);
    }

    /// <summary>
    /// Adds run <paramref name="runId"/> of <paramref name="source"/>, whose <paramref name="payload"/> is stored already,
    /// to the catalog as Queued (started by <see cref="RunStarters.DropZone"/>), and sends its message. Used for drop-zone
    /// files, one run each. When the message cannot be sent the run stays Queued: the file stays in the drop zone, and
    /// the next scan sends it again.
    /// </summary>
    /// <exception cref="DbUpdateException">A run with the same id exists already.</exception>
    /// <exception cref="SourceRunException">The message could not be sent.</exception>
    public static async Task<Run> QueueAsync(
        CatalogDbContext catalog, IIngestionQueue queue, Source source, Guid runId, RunPayload payload, DateTime now, CancellationToken cancellationToken)
    {
        var dataset = await Dataset.FindOrCreateAsync(catalog, source.DatasetName, now, cancellationToken);
        var run = Run.Queue(runId, dataset, payload, RunStarters.DropZone, now, source);
        catalog.Runs.Add(run);
        await catalog.SaveChangesAsync(cancellationToken);
        await catalog.Sources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastRunAt, now), cancellationToken);
        try
        {
            await queue.SendAsync(RunMessage.For(run.Id), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SourceRunException($"The run could not be queued yet: {e.Message}", e);
        }

        return run;
    }
}

/// <summary>What <see cref="SourceRuns.StartPullAsync"/> did: <see cref="Started"/>, or not because of <see cref="Active"/>.</summary>
public sealed record SourceRunStart(Run? Started, Run? Active);

/// <summary>A source's run could not be started; the message says why.</summary>
public sealed class SourceRunException(string message, Exception? inner = null) : Exception(message, inner);
