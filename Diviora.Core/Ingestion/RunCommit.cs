using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Ingestion;

/// <summary>
/// The final transaction of a run: takes the dataset's turn, applies the schema plan, moves the rows in (from staging,
/// or checks what the stage pass wrote straight into the table), builds indexes, records the run's success and the
/// source's cursor, and commits. A failure anywhere leaves the dataset exactly as it was.
/// </summary>
internal sealed class RunCommit(IWarehouse warehouse, TimeProvider time)
{
    /// <summary>
    /// Opens the final transaction: takes the dataset's turn, checks the run is still this attempt's and the schema
    /// still the one planned against, applies the planned schema changes, and empties the table for a replace.
    /// </summary>
    /// <exception cref="RunSupersededException">Another attempt owns the run now.</exception>
    public async Task<FinalTransaction> BeginAsync(RunContext context, SchemaPlan plan)
    {
        var (connection, runId, cancellationToken) = (context.Connection, context.Run.Id, context.Cancellation);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var catalog = warehouse.CatalogOn(connection, transaction);
        try
        {
            var datasetId = await catalog.Runs.Where(r => r.Id == runId).Select(r => r.DatasetId).SingleAsync(cancellationToken);
            if (warehouse.Dialect.LockDataset is { } lockDataset)
            {
                // Concurrent runs of one dataset change its schema and rows one after the other.
                await using var take = connection.CreateCommand();
                take.Transaction = transaction;
                take.CommandText = lockDataset;
                take.AddParameter("@dataset", (long)datasetId);
                await take.ExecuteNonQueryAsync(cancellationToken);
            }

            var run = await catalog.Runs.Include(r => r.Dataset).SingleAsync(r => r.Id == runId, cancellationToken);
            if (run.Status != RunStatus.Running || run.Attempts != context.Attempt)
            {
                throw new RunSupersededException(runId);
            }

            var dataset = run.Dataset;
            if (!SchemaApply.Unchanged(dataset.Columns, context.Existing))
            {
                // Another run changed the schema while this one staged; the retry plans against the new schema.
                throw new InvalidOperationException($"Dataset '{dataset.Name}' changed its schema during this run.");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var createsTable = dataset.Columns.Count == 0;
            await new SchemaApply(warehouse).ApplyAsync(connection, transaction, dataset, plan, cancellationToken);
            foreach (var change in plan.Changes)
            {
                catalog.SchemaChanges.Add(new SchemaChange
                {
                    DatasetId = dataset.Id, RunId = runId, At = now, Kind = change.Kind, Column = change.Column.Name, Description = change.Description,
                });
            }

            if (context.Settings.IsReplace)
            {
                await connection.ExecuteAsync(transaction, warehouse.Dialect.DeleteAll(dataset.TableName), cancellationToken);
            }

            return new FinalTransaction(context, transaction, catalog, run, createsTable);
        }
        catch
        {
            await catalog.DisposeAsync();
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>Appends or upserts the staged rows into the dataset table; run id and load time are constants of the statement.</summary>
    /// <exception cref="IngestionDataException">An upsert's key is not unique among the rows already loaded.</exception>
    public async Task AppendFromStagingAsync(FinalTransaction final, SchemaPlan plan, string staging, DateTime ingestedAt)
    {
        var (context, transaction, dataset) = (final.Context, final.Transaction, final.Run.Dataset);
        var (connection, settings, cancellationToken) = (context.Connection, context.Settings, context.Cancellation);
        var dialect = warehouse.Dialect;
        var key = settings.HasKey ? settings.Key!.Select(k => plan.Columns.Single(c => c.Name == k)).ToList() : [];
        if (settings.HasKey && !settings.IsReplace)
        {
            try
            {
                await connection.ExecuteAsync(transaction, dialect.EnsureUniqueKey(dataset.TableName, key), cancellationToken);
            }
            catch (DbException e)
            {
                throw new IngestionDataException(
                    $"Dataset '{dataset.Name}' already holds rows that share a key ({string.Join(", ", key.Select(k => k.Name))}), so it cannot merge on it: {e.Message}", e);
            }
        }

        await using var append = connection.CreateCommand();
        append.Transaction = transaction;
        // A source priority needs the rows' sources: a dataset only uploads have fed has none to rank.
        var ranks = settings.IsUpsert && settings.SourcePriority is { Count: > 0 } priority
            && plan.Columns.Any(c => c.PhysicalName == SystemColumns.Source) ? priority : [];
        append.CommandText = settings.IsUpsert
            ? dialect.UpsertFromStaging(staging, dataset.TableName, plan.Columns, key, ranks.Count)
            : dialect.AppendFromStaging(staging, dataset.TableName, plan.Columns);
        for (var i = 0; i < ranks.Count; i++)
        {
            append.AddParameter(SourceRank.Parameter(i), ranks[i].ToLowerInvariant());
        }

        append.AddParameter("@run", context.Run.Id.ToString());
        append.AddParameter("@at", StoredText.LoadTime(ingestedAt));
        await append.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>After a long direct load: checks no other attempt took the run over meanwhile.</summary>
    /// <exception cref="RunSupersededException">Another attempt owns the run now.</exception>
    public static async Task EnsureStillOwnedAsync(FinalTransaction final)
    {
        await final.Catalog.Entry(final.Run).ReloadAsync(final.Context.Cancellation);
        if (final.Run.Status != RunStatus.Running || final.Run.Attempts != final.Context.Attempt)
        {
            throw new RunSupersededException(final.Run.Id);
        }
    }

    /// <summary>Builds the declared indexes, records the run's success and the dataset's new row count, and commits.</summary>
    /// <param name="final">The open final transaction.</param>
    /// <param name="staged">What the stage pass wrote.</param>
    /// <param name="times">How long inference and staging took.</param>
    /// <param name="loadStarted">When the load began (a <see cref="Stopwatch"/> timestamp).</param>
    public async Task CommitAsync(FinalTransaction final, StagedRows staged, (TimeSpan Infer, TimeSpan Stage) times, long loadStarted)
    {
        var (context, transaction, catalog, run, createsTable) = final;
        var (connection, settings, cancellationToken) = (context.Connection, context.Settings, context.Cancellation);
        var dataset = run.Dataset;
        var now = time.GetUtcNow().UtcDateTime;
        var dialect = warehouse.Dialect;
        if (createsTable && dialect.KeyNewTable(dataset.TableName) is { } key)
        {
            await connection.ExecuteAsync(transaction, key, cancellationToken);
        }

        try
        {
            await DatasetIndexes.CreateAsync(warehouse, connection, transaction, dataset, settings, cancellationToken);
        }
        catch (DbException e)
        {
            // Retrying would meet the same rows: the run fails, and the dataset's indexes setting needs changing.
            throw new IngestionDataException($"Dataset '{dataset.Name}' declares indexes the warehouse cannot build on these rows: {e.Message}", e);
        }

        dataset.RowCount = settings.IsUpsert
            ? await CountAsync(connection, transaction, dialect.CountRows(dataset.TableName), cancellationToken)
            : settings.IsReplace ? staged.Rows : dataset.RowCount + staged.Rows;
        dataset.UpdatedAt = now;
        // The commit itself is not counted in the load's time: it runs after the time is written.
        run.Succeed(new LoadSummary(staged.Rows, staged.Rejected, staged.RejectsBlob, staged.Format.ToString(), times.Infer, times.Stage,
            Stopwatch.GetElapsedTime(loadStarted)), now);
        if (run.SourceId is { } sourceId && run.Cursor is { } cursor && run.StartedAt is { } runStarted)
        {
            // An incremental source moves on only with a run that loaded: a failed run leaves the cursor where it was.
            // A source saved since the run started may read another field, URL or query now (and its cursor may have
            // been cleared for it), so this run's position is not written over it: the next run starts from there.
            await catalog.Sources.Where(s => s.Id == sourceId && s.UpdatedAt <= runStarted)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Cursor, cursor), cancellationToken);
        }

        await catalog.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
