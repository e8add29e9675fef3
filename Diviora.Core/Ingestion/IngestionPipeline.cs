using System.Data.Common;
using System.Diagnostics;
using Diviora.Core.Catalog;
using Diviora.Core.Documents;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Diviora.Core.Ingestion;

/// <summary>
/// Loads one run's payload through three passes over one <see cref="RunContext"/>: <see cref="InferPass"/> reads it
/// once to infer its columns and plan the dataset's schema, <see cref="StagePass"/> streams it again through the column
/// rules into a staging table (or the dataset table itself, where the warehouse loads directly), and
/// <see cref="RunCommit"/> changes the schema, loads the rows and records the run's success in one transaction. A
/// failure at any point leaves the dataset exactly as it was.
/// </summary>
public sealed partial class IngestionPipeline(
    IWarehouse warehouse, RecordReaders readers, IRejectsStore rejectsStore, TimeProvider time, IDocumentStore? documents = null,
    ILogger<IngestionPipeline>? logger = null)
{
    private readonly InferPass _infer = new(readers);
    private readonly StagePass _stage = new(warehouse, readers, rejectsStore, documents);
    private readonly RunCommit _commit = new(warehouse, time);

    /// <summary>Loads run <paramref name="runId"/>, which this worker marked Running as attempt <paramref name="attempt"/>.</summary>
    /// <returns>The number of rows loaded and how long each stage took.</returns>
    /// <exception cref="IngestionDataException">The payload is malformed or does not fit the dataset.</exception>
    /// <exception cref="RunSupersededException">Another attempt owns the run now.</exception>
    public async Task<LoadResult> LoadAsync(Guid runId, int attempt, CancellationToken cancellationToken)
    {
        LoadResult result;
        (Run Run, DatasetSettings Settings)? loaded = null;
        try
        {
            result = await LoadCoreAsync(runId, attempt, (run, settings) => loaded = (run, settings), cancellationToken);
        }
        catch (Exception e) when (e is not RunSupersededException && loaded is { } failed && documents is not null
            && failed.Settings.KeepsDocuments && !failed.Settings.HasKey)
        {
            // Without a key the run's documents have ids of its own: its rows are not loaded, so neither are they.
            // A keyed dataset's documents are left alone, since they may be an earlier run's: a document the failed run
            // replaced keeps that version until the next successful run of its key.
            try
            {
                await documents.DeleteRunAsync(failed.Run.Dataset.NormalizedName, runId, CancellationToken.None);
            }
            catch (Exception cleanup) when (cleanup is not OperationCanceledException)
            {
                // The run's own failure is what to report; a retry rewrites the same ids anyway.
            }

            throw;
        }

        if (loaded is { } done && documents is not null && done.Settings.KeepsDocuments && done.Settings.IsReplace)
        {
            try
            {
                await documents.DeleteOtherRunsAsync(done.Run.Dataset.NormalizedName, runId, cancellationToken);
            }
            catch (Exception cleanup) when (cleanup is not OperationCanceledException)
            {
                // The run has committed: failing it now would retry a finished run. The next replace removes them.
                if (logger is not null)
                {
                    LogStaleDocuments(logger, cleanup, runId, done.Run.Dataset.Name);
                }
            }
        }

        return result;
    }

    [LoggerMessage(LogLevel.Warning, "Run {RunId} replaced dataset {Dataset}, but the earlier runs' documents could not be deleted")]
    private static partial void LogStaleDocuments(ILogger logger, Exception exception, Guid runId, string dataset);

    private async Task<LoadResult> LoadCoreAsync(Guid runId, int attempt, Action<Run, DatasetSettings> loaded, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await warehouse.OpenForLoadAsync(cancellationToken);
        Run run;
        await using (var catalog = warehouse.CatalogOn(connection))
        {
            run = await catalog.Runs.AsNoTracking().Include(r => r.Dataset).SingleAsync(r => r.Id == runId, cancellationToken);
        }

        // Read once per run, so both passes and the commit follow the same settings and compile the rules once.
        var context = new RunContext(run, attempt, DatasetSettings.Parse(run.Dataset.Settings), RunOptions.Parse(run.Options), connection, cancellationToken);
        loaded(run, context.Settings);
        (var plan, context) = await _infer.RunAsync(context);
        var inferred = Stopwatch.GetTimestamp();

        // A direct load holds its transaction for the whole read. A schema change to an existing table would lock
        // readers out that long (ALTER TABLE takes an exclusive lock), so such runs stage first.
        return warehouse.LoadsDirectly(context.Settings) && (context.Existing.Count == 0 || plan.Changes.Count == 0)
            ? await LoadDirectlyAsync(context, plan, Stopwatch.GetElapsedTime(started, inferred))
            : await LoadStagedAsync(context, plan, Stopwatch.GetElapsedTime(started, inferred));
    }

    /// <summary>
    /// Stages every row in a connection-private table, then appends or merges them in the final transaction: the
    /// dataset stays open to other writers while a large payload streams in.
    /// </summary>
    private async Task<LoadResult> LoadStagedAsync(RunContext context, SchemaPlan plan, TimeSpan infer)
    {
        var stageStarted = Stopwatch.GetTimestamp();
        var ingestedAt = time.GetUtcNow().UtcDateTime;
        var staging = "stage_" + context.Run.Id.ToString("N");
        try
        {
            var staged = await _stage.RunAsync(context, plan, staging,
                () => warehouse.OpenStagingAsync(context.Connection, staging, plan.Columns, context.Cancellation));
            var stagedAt = Stopwatch.GetTimestamp();
            var times = (Infer: infer, Stage: Stopwatch.GetElapsedTime(stageStarted, stagedAt));
            await using (var final = await _commit.BeginAsync(context, plan))
            {
                await _commit.AppendFromStagingAsync(final, plan, staging, ingestedAt);
                await _commit.CommitAsync(final, staged, times, stagedAt);
            }

            return new LoadResult(staged.Rows, staged.Rejected, times.Infer, times.Stage, Stopwatch.GetElapsedTime(stagedAt));
        }
        finally
        {
            // Pooled connections outlive the run: its staging table must not.
            await DropStagingAsync(context.Connection, staging);
        }
    }

    /// <summary>
    /// Loads straight into the dataset table inside the final transaction (datasets without a key, on SQLite and
    /// PostgreSQL): the rows stream into the table (COPY on PostgreSQL), so no row is written twice. Readers see the old rows until the commit;
    /// other runs of the dataset wait for it.
    /// </summary>
    private async Task<LoadResult> LoadDirectlyAsync(RunContext context, SchemaPlan plan, TimeSpan infer)
    {
        var stageStarted = Stopwatch.GetTimestamp();
        var load = new DirectLoad(context.Table, plan.Columns, context.Run.Id, time.GetUtcNow().UtcDateTime);
        await using var final = await _commit.BeginAsync(context, plan);
        var staged = await _stage.RunAsync(context, plan, staging: null,
            () => warehouse.OpenDirectAsync(context.Connection, final.Transaction, load, context.Cancellation));
        var stagedAt = Stopwatch.GetTimestamp();
        var times = (Infer: infer, Stage: Stopwatch.GetElapsedTime(stageStarted, stagedAt));

        // The load took a while: another attempt may have taken the run over meanwhile.
        await RunCommit.EnsureStillOwnedAsync(final);
        await _commit.CommitAsync(final, staged, times, stagedAt);
        return new LoadResult(staged.Rows, staged.Rejected, times.Infer, times.Stage, Stopwatch.GetElapsedTime(stagedAt));
    }

    private async Task DropStagingAsync(DbConnection connection, string staging)
    {
        try
        {
            await connection.ExecuteAsync(null, warehouse.Dialect.DropStaging(staging), CancellationToken.None);
        }
        catch (DbException)
        {
            // A broken connection takes its session's temporary tables with it.
        }
    }
}
