using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Diviora.Core.Sources;

/// <summary>
/// Fires the schedules of REST and database sources: on each <see cref="TickAsync"/>, every enabled source whose
/// <see cref="Source.NextRunAt"/> has come starts one run and moves its next run past now, so after downtime a source
/// catches up with one run, not one per missed tick. A source whose last run is still queued or running skips the
/// tick (runs of one source never overlap). Several workers may tick at once: the one that moves a source's next run
/// time first starts its run.
/// </summary>
public sealed partial class SourceScheduler(IWarehouse warehouse, IIngestionQueue queue, TimeProvider time, ILogger<SourceScheduler> logger)
{
    /// <summary>How long a source's run may wait Queued, never started, before a due tick sends its message again.</summary>
    public static readonly TimeSpan StaleQueued = TimeSpan.FromMinutes(5);

    /// <summary>Starts the runs due now; returns the runs started.</summary>
    public async Task<IReadOnlyList<Run>> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        await using var catalog = warehouse.CreateCatalog();
        var due = await catalog.Sources.AsNoTracking()
            .Where(s => s.Enabled && s.NextRunAt != null && s.NextRunAt <= nowUtc && s.Kind != SourceKinds.Dropzone)
            .OrderBy(s => s.NextRunAt)
            .ToListAsync(cancellationToken);
        var started = new List<Run>();
        foreach (var source in due)
        {
            DateTime? next;
            var was = source.NextRunAt;
            try
            {
                next = SourceSchedule.For(source.Enabled, source.Schedule, source.TimeZone).Next(now)?.UtcDateTime;
            }
            catch (FormatException e)
            {
                // The Api refuses such definitions; one that slipped in must not stop the others, nor run.
                LogBadSchedule(e, source.Name);
                await catalog.Sources.Where(s => s.Id == source.Id && s.NextRunAt == was)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextRunAt, (DateTime?)null), cancellationToken);
                continue;
            }

            var claimed = await catalog.Sources
                .Where(s => s.Id == source.Id && s.NextRunAt == was)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextRunAt, next), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            try
            {
                var start = await SourceRuns.StartPullAsync(catalog, queue, source, RunStarters.Schedule, nowUtc, cancellationToken);
                if (start.Started is not { } run)
                {
                    LogSkipped(source.Name, start.Active?.Id, next);
                    if (start.Active is { Status: RunStatus.Queued, Attempts: 0 } waiting && nowUtc - waiting.CreatedAt > StaleQueued)
                    {
                        // Queued long ago and never started: its message may be lost (a crash between the commit and the
                        // send). Sending it again is safe, since a run is processed once whatever its messages.
                        await queue.SendAsync(RunMessage.For(waiting.Id), cancellationToken);
                        LogRequeued(source.Name, waiting.Id);
                    }

                    continue;
                }

                started.Add(run);
                LogStarted(source.Name, run.Id, was!.Value, next);
            }
            catch (SourceRunException e)
            {
                LogNotQueued(e, source.Name);
            }
        }

        return started;
    }

    [LoggerMessage(LogLevel.Information, "Source {Source}: scheduled run {RunId} started (due {DueAt:o}); next at {NextAt:o}")]
    private partial void LogStarted(string source, Guid runId, DateTime dueAt, DateTime? nextAt);

    [LoggerMessage(LogLevel.Information, "Source {Source}: run {RunId} has not ended (or another was just started), so this tick is skipped; next at {NextAt:o}")]
    private partial void LogSkipped(string source, Guid? runId, DateTime? nextAt);

    [LoggerMessage(LogLevel.Warning, "Source {Source}: run {RunId} has waited Queued too long; its message was sent again")]
    private partial void LogRequeued(string source, Guid runId);

    [LoggerMessage(LogLevel.Warning, "Source {Source}: its schedule no longer reads; it will not run until it is saved again")]
    private partial void LogBadSchedule(Exception exception, string source);

    [LoggerMessage(LogLevel.Error, "Source {Source}: the scheduled run could not be queued")]
    private partial void LogNotQueued(Exception exception, string source);
}
