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
    /// Queues a run of a REST or database source whose payload the worker fetches: JSON Lines, stored under the run's
    /// raw blob before it is read. The caller checks <see cref="ActiveRunAsync"/> first.
    /// </summary>
    /// <exception cref="SourceRunException">The run could not be queued; it is recorded as failed.</exception>
    public static Task<Run> QueuePullAsync(
        CatalogDbContext catalog, IIngestionQueue queue, Source source, DateTime now, CancellationToken cancellationToken)
    {
        var runId = Guid.CreateVersion7();
        var fileName = source.Name + ".jsonl";
        return QueueAsync(catalog, queue, source, new Run
        {
            Id = runId,
            BlobName = RawStore.BlobNameFor(source.DatasetName, runId, fileName),
            FileName = fileName,
            Options = RunOptions.Serialize(new FormatOptions { Format = "jsonl" }),
        }, now, cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="run"/> (its id, blob, file name and options set by the caller) to the catalog as a Queued
    /// run of <paramref name="source"/>, and sends its message.
    /// </summary>
    /// <exception cref="DbUpdateException">A run with the same id exists already.</exception>
    /// <exception cref="SourceRunException">The run could not be queued; it is recorded as failed.</exception>
    public static async Task<Run> QueueAsync(
        CatalogDbContext catalog, IIngestionQueue queue, Source source, Run run, DateTime now, CancellationToken cancellationToken)
    {
        run.Dataset = await Dataset.FindOrCreateAsync(catalog, source.DatasetName, now, cancellationToken);
        run.Status = RunStatus.Queued;
        run.SourceId = source.Id;
        run.SourceName = source.Name;
        run.Mapping = source.Mapping;
        run.CreatedAt = now;
        catalog.Runs.Add(run);
        if (catalog.Sources.Local.FirstOrDefault(s => s.Id == source.Id) is { } tracked)
        {
            tracked.LastRunAt = now;
        }
        else
        {
            await catalog.Sources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastRunAt, now), cancellationToken);
        }

        await catalog.SaveChangesAsync(cancellationToken);
        try
        {
            await queue.SendAsync(RunMessage.For(run.Id), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Status = RunStatus.Failed;
            run.Error = $"The run could not be queued: {e.Message}";
            run.FinishedAt = now;
            await catalog.SaveChangesAsync(CancellationToken.None);
            throw new SourceRunException(run.Error, e);
        }

        return run;
    }
}

/// <summary>A source's run could not be started; the message says why.</summary>
public sealed class SourceRunException(string message, Exception? inner = null) : Exception(message, inner);
