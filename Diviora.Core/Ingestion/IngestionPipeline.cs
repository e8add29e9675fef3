using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Diviora.Core.Catalog;
using Diviora.Core.Documents;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Ingestion.Validation;
using Diviora.Core.Sources;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Diviora.Core.Ingestion;

/// <summary>
/// Loads one run's payload: reads it once to infer its columns and plan the dataset's schema, streams it again
/// through the column rules into a staging table, then changes the schema, loads the staged rows and records the
/// run's success in one transaction. A failure at any point leaves the dataset exactly as it was.
/// </summary>
public sealed partial class IngestionPipeline(
    IWarehouse warehouse, RecordReaders readers, IRejectsStore rejectsStore, TimeProvider time, IDocumentStore? documents = null,
    ILogger<IngestionPipeline>? logger = null)
{
    private const int MaxValueInError = 100;

    /// <summary>Null tokens longer than this are not matched; no sensible token is that long.</summary>
    private const int MaxNullTokenLength = 32;

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


        var existing = run.Dataset.Columns.OrderBy(c => c.Ordinal).ToList();
        var options = RunOptions.Parse(run.Options);
        // Read once per run, so both passes and the commit follow the same settings and compile the rules once.
        var settings = DatasetSettings.Parse(run.Dataset.Settings);
        loaded(run, settings);
        var rules = (settings.Columns ?? []).ToDictionary(c => c.Name, ColumnRules.Compile, StringComparer.Ordinal);
        List<InferredColumn> inferredColumns;
        try
        {
            inferredColumns = await InferColumnsAsync(run, options, settings, rules, cancellationToken);
        }
        catch (IngestionDataException e) when (e.InnerException is System.Text.DecoderFallbackException && options.Encoding is null)
        {
            // The sample read as UTF-8 but later bytes do not: the usual sign of a Windows-1252 export whose first
            // accented character comes late. Both passes then read the file as Windows-1252.
            options = options with { Encoding = "windows-1252" };
            inferredColumns = await InferColumnsAsync(run, options, settings, rules, cancellationToken);
        }

        var plan = SchemaPlan.For(existing, inferredColumns, fromSource: run.SourceName is not null);
        var inferred = Stopwatch.GetTimestamp();

        // A direct load holds its transaction for the whole read. A schema change to an existing table would lock
        // readers out that long (ALTER TABLE takes an exclusive lock), so such runs stage first.
        if (warehouse.LoadsDirectly(settings) && (existing.Count == 0 || plan.Changes.Count == 0))
        {
            return await LoadDirectlyAsync(connection, run, attempt, existing, options, settings, rules, plan, started, inferred, cancellationToken);
        }

        var ingestedAt = time.GetUtcNow().UtcDateTime;
        var staging = "stage_" + runId.ToString("N");
        try
        {
            var staged = await StageAsync(connection, run, options, settings, rules, plan, staging, cancellationToken);
            var stagedAt = Stopwatch.GetTimestamp();
            var timings = (Infer: Stopwatch.GetElapsedTime(started, inferred), Stage: Stopwatch.GetElapsedTime(inferred, stagedAt));
            await AppendAsync(connection, runId, attempt, existing, settings, plan, staging, staged, ingestedAt, timings, cancellationToken);
            return new LoadResult(staged.Rows, staged.Rejected, timings.Infer, timings.Stage, Stopwatch.GetElapsedTime(stagedAt));
        }
        finally
        {
            // Pooled connections outlive the run: its staging table must not.
            await DropStagingAsync(connection, staging);
        }
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


    /// <summary>The first pass: every value of every column decides the column's type.</summary>
    private async Task<List<InferredColumn>> InferColumnsAsync(
        Run run, FormatOptions options, DatasetSettings settings, Dictionary<string, ColumnRules> compiled, CancellationToken cancellationToken)
    {
        string[] nullTokens = [.. settings.EffectiveNullTokens];
        var (reader, _) = await OpenAsync(run, options, rowsChecked: false, cancellationToken);
        using var _ = reader;
        var names = ColumnNaming.ColumnNames(reader.Header);
        var rules = RulesFor(compiled, names);
        var buffer = new ValueBuffer();
        var inference = new ColumnTypeInference[names.Length];
        for (var i = 0; i < inference.Length; i++)
        {
            inference[i] = new ColumnTypeInference();
        }

        while (reader.Read())
        {
            for (var i = 0; i < inference.Length; i++)
            {
                var value = reader[i];
                var isNull = reader.IsNull(i) || IsNullToken(value, nullTokens);
                if (rules[i] is not { } rule)
                {
                    inference[i].Observe(value, isNull);
                    continue;
                }

                // Types are inferred from values as the rules leave them; a value the rules refuse will be rejected.
                var result = rule.Apply(value, isNull, buffer);
                if (result.IsValid)
                {
                    inference[i].Observe(result.Value, result.IsNull);
                }
            }
        }

        var columns = new List<InferredColumn>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            columns.Add(new InferredColumn(
                rules[i]?.RenamedName ?? names[i], inference[i].Result, inference[i].Nullable, inference[i].HasValues,
                names[i] == SystemColumns.Source ? ColumnType.Text : ColumnValues.Parse(rules[i]?.Settings.Type), inference[i].DateOrder, inference[i].DecimalShape));
        }

        return columns;
    }

    /// <summary>
    /// Opens the run's payload; a source's run reads it through the source's mapping, which adds the <c>_source</c>
    /// column.
    /// </summary>
    private async Task<(IRecordReader Reader, DetectedFormat Format)> OpenAsync(Run run, FormatOptions options, bool rowsChecked, CancellationToken cancellationToken)
    {
        var (reader, format) = await readers.OpenAsync(run.BlobName, run.FileName, options, rowsChecked, cancellationToken);
        if (run.SourceName is null)
        {
            return (reader, format);
        }

        var mapping = run.Mapping is null ? null : System.Text.Json.JsonSerializer.Deserialize<SourceMapping>(run.Mapping, SourceDefinition.Json);
        return (new MappedRecordReader(reader, mapping, run.SourceName), format);
    }

    /// <summary>What the second pass staged.</summary>
    private sealed record Staged(long Rows, long Rejected, string? RejectsBlob, DetectedFormat Format);

    /// <summary>
    /// The second pass: every row, converted to its column's type, into a connection-private staging table. A row
    /// that does not fit is listed in the run's rejects file, or fails the run when the dataset says so.
    /// </summary>
    private Task<Staged> StageAsync(
        DbConnection connection, Run run, FormatOptions options, DatasetSettings settings, Dictionary<string, ColumnRules> compiled,
        SchemaPlan plan, string staging, CancellationToken cancellationToken) =>
        WriteRowsAsync(connection, run, options, settings, compiled, plan, staging,
            () => warehouse.OpenStagingAsync(connection, staging, plan.Columns, cancellationToken), cancellationToken);

    /// <summary>
    /// Reads the payload through the column rules into <paramref name="open"/>'s writer: a staging table, or the
    /// dataset table itself when the warehouse loads directly (then <paramref name="staging"/> is null).
    /// </summary>
    private async Task<Staged> WriteRowsAsync(
        DbConnection connection, Run run, FormatOptions options, DatasetSettings settings, Dictionary<string, ColumnRules> compiled,
        SchemaPlan plan, string? staging, Func<Task<IStagingWriter>> open, CancellationToken cancellationToken)
    {
        string[] nullTokens = [.. settings.EffectiveNullTokens];
        var columns = plan.Columns;
        var (reader, format) = await OpenAsync(run, options, rowsChecked: true, cancellationToken);
        using var _ = reader;
        var target = plan.Targets;
        if (reader.Header.Count != target.Length)
        {
            throw new InvalidOperationException("The payload changed between its two reads.");
        }

        var rules = RulesFor(compiled, ColumnNaming.ColumnNames(reader.Header));
        var buffer = new ValueBuffer();

        var types = new ColumnType[target.Length];
        var orders = new DateOrder[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            (types[i], orders[i]) = (columns[target[i]].Type, columns[target[i]].DateOrder);
        }

        // Dataset columns the file lacks stay null in every staged row.
        var missing = Enumerable.Range(0, columns.Count).Except(target).ToArray();
        var keyFields = KeyFieldsOf(settings, columns, target);
        var keepsDocuments = documents is not null && settings.KeepsDocuments;
        await using var staged = await open();
        // A document is the typed row as staged, its id from the typed key; a JSON payload's keeps the record's nesting,
        // read from the payload in step with the rows.
        var capture = keepsDocuments
            ? new DocumentCapture(staged, columns, run.Dataset.NormalizedName, run.Id, settings.HasKey ? [.. settings.Key!.Select(k => columns.FindIndex(c => c.Name == k))] : null)
            : null;
        await using var nested = keepsDocuments && format.Kind is PayloadKind.Json or PayloadKind.JsonLines
            ? await NestedRecords.OpenAsync(readers, run.BlobName, format.Kind == PayloadKind.JsonLines, cancellationToken)
            : null;
        IStagingWriter writer = capture ?? staged;
        await using var rejects = new RejectsWriter(rejectsStore, IRejectsStore.NameFor(run.Dataset.Name, run.Id));
        long rows = 0;
        while (reader.Read())
        {
            if (((rows + rejects.Count) & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var invalid = -1;
            string? violation = null;
            for (var i = 0; i < target.Length; i++)
            {
                var field = reader[i];
                var isNull = reader.IsNull(i) || IsNullToken(field, nullTokens);
                if (rules[i] is { } rule)
                {
                    var result = rule.Apply(field, isNull, buffer);
                    if (!result.IsValid || !ColumnValues.TryWrite(types[i], result.Value, result.IsNull, writer, target[i], orders[i]))
                    {
                        (invalid, violation) = (i, result.Violation);
                        break;
                    }
                }
                else if (!ColumnValues.TryWrite(types[i], field, isNull, writer, target[i], orders[i]))
                {
                    invalid = i;
                    break;
                }
            }

            if (invalid < 0 && keyFields.Length > 0)
            {
                foreach (var field in keyFields)
                {
                    if (reader.IsNull(field) || reader[field].IsEmpty || IsNullToken(reader[field], nullTokens))
                    {
                        (invalid, violation) = (field, "a key value is required: the dataset identifies rows by it.");
                        break;
                    }
                }
            }

            if (invalid < 0)
            {
                foreach (var absent in missing)
                {
                    writer.WriteNull(absent);
                }

                writer.EndRow(reader.RowNumber);
                rows++;
                if (nested is not null && await nested.AtAsync(reader.RowNumber) is { } record)
                {
                    capture!.Pending[^1]["record"] = record;
                }

                if (capture?.Pending.Count >= DocumentBuilder.BatchSize)
                {
                    await WriteDocumentsAsync(run, settings, capture.Pending, cancellationToken);
                }

                continue;
            }

            var column = columns[target[invalid]];
            var value = reader[invalid].ToString();
            var reason = violation ?? $"'{Shorten(value)}' is not {Article(column.Type)} {ColumnValues.Name(column.Type)}, the column's type.";
            if (settings.FailOnInvalidRow)
            {
                throw new IngestionDataException($"Row {reader.RowNumber} ({reader.Location}), column '{column.Name}': {reason}");
            }

            await rejects.AddAsync(reader.RowNumber, column.Name, value.AsMemory(), reason, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
        if (capture is not null)
        {
            await WriteDocumentsAsync(run, settings, capture.Pending, cancellationToken);
        }

        if (settings.HasKey && !settings.IsUpsert)
        {
            rows -= await RejectDuplicateKeysAsync(connection, run, settings, plan, staging!, rejects, cancellationToken);
        }


        await rejects.CompleteAsync();
        var read = rows + rejects.Count;
        if (settings.MaxRejectedPercent is { } limit && read > 0 && rejects.Count * 100.0 / read > limit)
        {
            throw new IngestionDataException(
                $"{rejects.Count:N0} of {read:N0} rows ({rejects.Count * 100.0 / read:0.##}%) were rejected, more than the dataset's limit of " +
                $"{limit}%. Nothing was loaded; the rejected rows and why are listed in the run's rejects.")
            {
                Rejected = new RejectedRows(read, rejects.Count, rejects.Name),
            };
        }

        return new Staged(rows, rejects.Count, rejects.Name, format);
    }

    /// <summary>
    /// Writes documents and clears the list: an upsert dataset's replace those of the same key; an append with a key
    /// keeps the first of a key, as its rows do; without a key ids are the run's own.
    /// </summary>
    private async Task WriteDocumentsAsync(Run run, DatasetSettings settings, List<JsonObject> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (settings.HasKey && !settings.IsUpsert)
        {
            await documents!.InsertAsync(run.Dataset.NormalizedName, batch, cancellationToken);
        }
        else
        {
            await documents!.UpsertAsync(run.Dataset.NormalizedName, batch, cancellationToken);
        }

        batch.Clear();
    }

    /// <summary>
    /// For an append with a key: moves staged rows whose key is already loaded, or repeats an earlier row of the
    /// file, from staging to the rejects. The first row of a key wins; upserts let the last win instead.
    /// </summary>
    /// <returns>How many rows were moved.</returns>
    private async Task<long> RejectDuplicateKeysAsync(
        DbConnection connection, Run run, DatasetSettings settings, SchemaPlan plan, string staging, RejectsWriter rejects,
        CancellationToken cancellationToken)
    {
        var key = settings.Key!.Select(k => plan.Columns.Single(c => c.Name == k)).ToList();
        var duplicates = new List<(long RowId, long SourceRow, string Key)>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = warehouse.Dialect.SelectDuplicateKeys(staging, run.Dataset.TableName, key, tableExists: run.Dataset.Columns.Count > 0);
            await using var found = await select.ExecuteReaderAsync(cancellationToken);
            while (await found.ReadAsync(cancellationToken))
            {
                var values = Enumerable.Range(0, key.Count).Select(k => Convert.ToString(found.GetValue(2 + k), CultureInfo.InvariantCulture));
                duplicates.Add((found.GetInt64(0), found.GetInt64(1), string.Join(", ", values)));
            }
        }

        var keyNames = string.Join(", ", key.Select(k => k.Name));
        await using var delete = connection.CreateCommand();
        delete.CommandText = warehouse.Dialect.DeleteStagedRow(staging);
        var row = delete.AddParameter("@row", 0L);
        foreach (var duplicate in duplicates)
        {
            row.Value = duplicate.RowId;
            await delete.ExecuteNonQueryAsync(cancellationToken);
            await rejects.AddAsync(duplicate.SourceRow, keyNames, duplicate.Key.AsMemory(),
                $"duplicate key: {keyNames} '{Shorten(duplicate.Key)}' is already loaded or appears earlier in the file.", cancellationToken);
        }

        return duplicates.Count;
    }

    /// <summary>For a dataset with a key, the file fields that hold it; empty otherwise.</summary>
    /// <exception cref="IngestionDataException">A key column is not in the dataset or not in the file.</exception>
    private static int[] KeyFieldsOf(DatasetSettings settings, List<DatasetColumn> columns, int[] target)
    {
        if (!settings.HasKey)
        {
            return [];
        }

        var fields = new int[settings.Key!.Count];
        for (var k = 0; k < fields.Length; k++)
        {
            var column = columns.FindIndex(c => c.Name == settings.Key[k]);
            if (column < 0)
            {
                throw new IngestionDataException(
                    $"The dataset's key column '{settings.Key[k]}' is not one of its columns ({string.Join(", ", columns.Select(c => $"'{c.Name}'"))}).");
            }

            fields[k] = Array.IndexOf(target, column);
            if (fields[k] < 0)
            {
                throw new IngestionDataException($"The file has no column '{settings.Key[k]}', which the dataset merges rows on.");
            }
        }

        return fields;
    }

    /// <summary>The compiled rules for each file column, or null where the settings name none.</summary>
    private static ColumnRules?[] RulesFor(Dictionary<string, ColumnRules> compiled, string[] fileColumns)
    {
        var rules = new ColumnRules?[fileColumns.Length];
        for (var i = 0; i < fileColumns.Length && compiled.Count > 0; i++)
        {
            rules[i] = compiled.GetValueOrDefault(fileColumns[i]);
        }

        return rules;
    }

    private static bool IsNullToken(ReadOnlySpan<char> value, string[] tokens)
    {
        // Runs for every field: most values are longer than any token, or empty (already null).
        if (value.Length is 0 or > MaxNullTokenLength)
        {
            return false;
        }

        foreach (var token in tokens)
        {
            if (value.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The final transaction: the dataset's table and schema, its rows and the run's success, all or nothing.</summary>
    private async Task AppendAsync(
        DbConnection connection, Guid runId, int attempt, List<DatasetColumn> planned, DatasetSettings settings, SchemaPlan plan, string staging, Staged staged,
        DateTime ingestedAt, (TimeSpan Infer, TimeSpan Stage) timings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var final = await BeginFinalAsync(connection, runId, attempt, planned, plan, cancellationToken);
        await using var transaction = final.Transaction;
        await using var catalog = final.Catalog;
        var dataset = final.Run.Dataset;
        var dialect = warehouse.Dialect;
        var key = settings.HasKey ? settings.Key!.Select(k => plan.Columns.Single(c => c.Name == k)).ToList() : [];
        if (settings.IsReplace)
        {
            await connection.ExecuteAsync(transaction, dialect.DeleteAll(dataset.TableName), cancellationToken);
        }
        else if (settings.HasKey)
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

        await using (var append = connection.CreateCommand())
        {
            // Run id and load time are the same for every row: constants of the append, not columns of the staging table.
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

            append.AddParameter("@run", runId.ToString());
            append.AddParameter("@at", ingestedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            await append.ExecuteNonQueryAsync(cancellationToken);
        }

        await FinishAsync(connection, final, settings, staged, timings, started, cancellationToken);
    }

    /// <summary>
    /// A run loaded straight into the dataset table inside its final transaction (PostgreSQL, for datasets without a
    /// key): the payload streams into the table with COPY, so no row is written twice. Readers see the old rows until
    /// the commit; other runs of the dataset wait for it.
    /// </summary>
    private async Task<LoadResult> LoadDirectlyAsync(
        DbConnection connection, Run queued, int attempt, List<DatasetColumn> planned, FormatOptions options, DatasetSettings settings,
        Dictionary<string, ColumnRules> rules, SchemaPlan plan, long started, long inferred, CancellationToken cancellationToken)
    {
        var final = await BeginFinalAsync(connection, queued.Id, attempt, planned, plan, cancellationToken);
        await using var transaction = final.Transaction;
        await using var catalog = final.Catalog;
        var dataset = final.Run.Dataset;
        if (settings.IsReplace)
        {
            await connection.ExecuteAsync(transaction, warehouse.Dialect.DeleteAll(dataset.TableName), cancellationToken);
        }

        var staged = await WriteRowsAsync(connection, queued, options, settings, rules, plan, staging: null,
            () => warehouse.OpenDirectAsync(connection, transaction, dataset.TableName, plan.Columns, queued.Id, cancellationToken), cancellationToken);
        var stagedAt = Stopwatch.GetTimestamp();
        var timings = (Infer: Stopwatch.GetElapsedTime(started, inferred), Stage: Stopwatch.GetElapsedTime(inferred, stagedAt));

        // The load took a while: another attempt may have taken the run over meanwhile.
        await catalog.Entry(final.Run).ReloadAsync(cancellationToken);
        if (final.Run.Status != RunStatus.Running || final.Run.Attempts != attempt)
        {
            throw new RunSupersededException(queued.Id);
        }

        await FinishAsync(connection, final, settings, staged, timings, stagedAt, cancellationToken);
        return new LoadResult(staged.Rows, staged.Rejected, timings.Infer, timings.Stage, Stopwatch.GetElapsedTime(stagedAt));
    }

    /// <summary>The open final transaction of a run, with the run (and its dataset) tracked by <see cref="Catalog"/>.</summary>
    private sealed record Final(DbTransaction Transaction, CatalogDbContext Catalog, Run Run, bool CreatesTable);

    /// <summary>
    /// Opens the final transaction: takes the dataset's turn, checks the run is still this attempt's and the schema
    /// still the one planned against, and applies the planned schema changes.
    /// </summary>
    private async Task<Final> BeginFinalAsync(
        DbConnection connection, Guid runId, int attempt, List<DatasetColumn> planned, SchemaPlan plan, CancellationToken cancellationToken)
    {
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
            if (run.Status != RunStatus.Running || run.Attempts != attempt)
            {
                throw new RunSupersededException(runId);
            }

            var dataset = run.Dataset;
            if (!SameSchema(dataset.Columns, planned))
            {
                // Another run changed the schema while this one staged; the retry plans against the new schema.
                throw new InvalidOperationException($"Dataset '{dataset.Name}' changed its schema during this run.");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var createsTable = dataset.Columns.Count == 0;
            await ApplySchemaAsync(connection, transaction, dataset, plan, cancellationToken);
            foreach (var change in plan.Changes)
            {
                catalog.SchemaChanges.Add(new SchemaChange
                {
                    DatasetId = dataset.Id, RunId = runId, At = now, Kind = change.Kind, Column = change.Column.Name, Description = change.Description,
                });
            }

            return new Final(transaction, catalog, run, createsTable);
        }
        catch
        {
            await catalog.DisposeAsync();
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds the declared indexes, records the run's success and the dataset's new row count, and commits.</summary>
    private async Task FinishAsync(
        DbConnection connection, Final final, DatasetSettings settings, Staged staged, (TimeSpan Infer, TimeSpan Stage) timings, long started,
        CancellationToken cancellationToken)
    {
        var (transaction, catalog, run, createsTable) = final;
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
        run.Succeed(new LoadSummary(staged.Rows, staged.Rejected, staged.RejectsBlob, staged.Format.ToString(), timings.Infer, timings.Stage,
            Stopwatch.GetElapsedTime(started)), now);
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

    /// <summary>Creates the table, adds columns and widens types as planned, in the catalog and in the warehouse.</summary>
    private async Task ApplySchemaAsync(DbConnection connection, DbTransaction transaction, Dataset dataset, SchemaPlan plan, CancellationToken cancellationToken)
    {
        var dialect = warehouse.Dialect;
        if (dataset.Columns.Count == 0)
        {
            dataset.Columns.AddRange(plan.Columns);
            await connection.ExecuteAsync(transaction, dialect.CreateTable(dataset.TableName, plan.Columns), cancellationToken);
            return;
        }

        foreach (var change in plan.Changes)
        {
            var column = change.Column;
            switch (change.Kind)
            {
                case "added":
                    dataset.Columns.Add(column);
                    await connection.ExecuteAsync(transaction, dialect.AddColumn(dataset.TableName, column), cancellationToken);
                    break;
                case "widened":
                    await DropIndexesOnAsync(connection, transaction, dataset.TableName, column, cancellationToken);
                    foreach (var statement in dialect.WidenColumn(dataset.TableName, column, change.WidenedFrom!.Value))
                    {
                        await connection.ExecuteAsync(transaction, statement, cancellationToken);
                    }

                    break;
            }
        }

        foreach (var column in dataset.Columns)
        {
            var after = plan.Columns.Single(c => c.PhysicalName == column.PhysicalName);
            (column.Type, column.Nullable, column.DateOrder, column.Precision, column.Scale) = (after.Type, after.Nullable, after.DateOrder, after.Precision, after.Scale);
        }
    }

    /// <summary>
    /// Drops the indexes over a column about to be widened, where the warehouse cannot widen an indexed column; the
    /// dataset's key and declared indexes are built again later in the same transaction.
    /// </summary>
    private async Task DropIndexesOnAsync(DbConnection connection, DbTransaction transaction, string table, DatasetColumn column, CancellationToken cancellationToken)
    {
        if (warehouse.Dialect.IndexesOnColumn is not { } query)
        {
            return;
        }

        var indexes = new List<string>();
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = query;
            find.AddParameter("@table", table);
            find.AddParameter("@column", warehouse.Dialect.Quote(column.PhysicalName));
            await using var names = await find.ExecuteReaderAsync(cancellationToken);
            while (await names.ReadAsync(cancellationToken))
            {
                indexes.Add(names.GetString(0));
            }
        }

        foreach (var index in indexes)
        {
            await connection.ExecuteAsync(transaction, warehouse.Dialect.DropIndex(table, index), cancellationToken);
        }
    }

    private static bool SameSchema(List<DatasetColumn> current, List<DatasetColumn> planned) =>
        current.Count == planned.Count &&
        current.OrderBy(c => c.Ordinal).Zip(planned)
            .All(p => p.First.PhysicalName == p.Second.PhysicalName && p.First.Type == p.Second.Type && p.First.DateOrder == p.Second.DateOrder);

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= MaxValueInError ? text.ToString() : string.Concat(text[..MaxValueInError], "...");

    private static string Article(ColumnType type) => type is ColumnType.Integer ? "an" : "a";
}
