using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Ingestion;

/// <summary>
/// Loads one run's payload: reads it once to infer the schema (first run of a dataset), streams it again into a
/// staging table, then appends the staged rows and records the run's success in one transaction.
/// A failure at any point leaves the dataset exactly as it was.
/// </summary>
public sealed class IngestionPipeline(IWarehouse warehouse, RecordReaders readers, IRejectsStore rejectsStore, TimeProvider time)
{
    private const int MaxValueInError = 100;

    /// <summary>Loads run <paramref name="runId"/>, which this worker marked Running as attempt <paramref name="attempt"/>.</summary>
    /// <returns>The number of rows loaded and how long each stage took.</returns>
    /// <exception cref="IngestionDataException">The payload is malformed or does not fit the dataset.</exception>
    /// <exception cref="RunSupersededException">Another attempt owns the run now.</exception>
    public async Task<LoadResult> LoadAsync(Guid runId, int attempt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await warehouse.OpenAsync(cancellationToken);
        Run run;
        await using (var catalog = warehouse.CatalogOn(connection))
        {
            run = await catalog.Runs.AsNoTracking().Include(r => r.Dataset).SingleAsync(r => r.Id == runId, cancellationToken);
        }

        var existing = run.Dataset.Columns.OrderBy(c => c.Ordinal).ToList();
        var isFirstSchema = existing.Count == 0;
        var options = RunOptions.Parse(run.Options);
        var columns = isFirstSchema ? await InferColumnsAsync(run, options, cancellationToken) : existing;
        var inferred = Stopwatch.GetTimestamp();

        var staging = "stage_" + runId.ToString("N");
        var ingestedAt = time.GetUtcNow().UtcDateTime;
        var staged = await StageAsync(connection, run, options, columns, isFirstSchema, staging, cancellationToken);
        var stagedAt = Stopwatch.GetTimestamp();
        await AppendAsync(connection, runId, attempt, columns, isFirstSchema, staging, staged, ingestedAt, cancellationToken);
        var appended = Stopwatch.GetTimestamp();
        return new LoadResult(staged.Rows, staged.Rejected, Stopwatch.GetElapsedTime(started, inferred),
            Stopwatch.GetElapsedTime(inferred, stagedAt), Stopwatch.GetElapsedTime(stagedAt, appended));
    }

    /// <summary>The first pass: every value of every column decides the column's type.</summary>
    private async Task<List<DatasetColumn>> InferColumnsAsync(Run run, FormatOptions options, CancellationToken cancellationToken)
    {
        var (reader, _) = await readers.OpenAsync(run.BlobName, run.FileName, options, rowsChecked: false, cancellationToken);
        using var _ = reader;
        var names = ColumnNaming.ColumnNames(reader.Header);
        var physical = ColumnNaming.PhysicalNames(names);
        var inference = new ColumnTypeInference[names.Length];
        for (var i = 0; i < inference.Length; i++)
        {
            inference[i] = new ColumnTypeInference();
        }

        while (reader.Read())
        {
            for (var i = 0; i < inference.Length; i++)
            {
                inference[i].Observe(reader[i], reader.IsNull(i));
            }
        }

        var columns = new List<DatasetColumn>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            columns.Add(new DatasetColumn
            {
                Ordinal = i,
                Name = names[i],
                PhysicalName = physical[i],
                Type = inference[i].Result,
                Nullable = inference[i].Nullable,
            });
        }

        return columns;
    }

    /// <summary>What the second pass staged.</summary>
    private sealed record Staged(long Rows, long Rejected, string? RejectsBlob, DetectedFormat Format);

    /// <summary>
    /// The second pass: every row, converted to its column's type, into a connection-private staging table. A row
    /// that does not fit is listed in the run's rejects file, or fails the run when the dataset says so.
    /// </summary>
    private async Task<Staged> StageAsync(
        DbConnection connection, Run run, FormatOptions options, List<DatasetColumn> columns, bool isFirstSchema, string staging,
        CancellationToken cancellationToken)
    {
        var settings = DatasetSettings.Parse(run.Dataset.Settings);
        var nullTokens = settings.NullTokens?.ToArray() ?? [];
        var (reader, format) = await readers.OpenAsync(run.BlobName, run.FileName, options, rowsChecked: isFirstSchema, cancellationToken);
        using var _ = reader;
        var target = TargetsOf(run.Dataset.Name, columns, ColumnNaming.ColumnNames(reader.Header), isFirstSchema);
        var types = new ColumnType[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            types[i] = columns[target[i]].Type;
        }

        await using var writer = await warehouse.OpenStagingAsync(connection, staging, columns, cancellationToken);
        await using var rejects = new RejectsWriter(rejectsStore, IRejectsStore.NameFor(run.Dataset.Name, run.Id));
        long rows = 0;
        while (reader.Read())
        {
            if (((rows + rejects.Count) & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var invalid = -1;
            for (var i = 0; i < target.Length; i++)
            {
                var isNull = reader.IsNull(i) || (nullTokens.Length > 0 && IsNullToken(reader[i], nullTokens));
                if (!ColumnValues.TryWrite(types[i], reader[i], isNull, writer, target[i]))
                {
                    invalid = i;
                    break;
                }
            }

            if (invalid < 0)
            {
                writer.EndRow();
                rows++;
                continue;
            }

            var column = columns[target[invalid]];
            var value = reader[invalid].ToString();
            var reason = $"'{Shorten(value)}' is not {Article(column.Type)} {ColumnValues.Name(column.Type)}, the column's type from earlier runs.";
            if (settings.FailOnInvalidRow)
            {
                throw new IngestionDataException($"Row {reader.RowNumber} ({reader.Location}), column '{column.Name}': {reason}");
            }

            await rejects.AddAsync(reader.RowNumber, column.Name, value.AsMemory(), reason, cancellationToken);
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

        await writer.CompleteAsync(cancellationToken);
        return new Staged(rows, rejects.Count, rejects.Name, format);
    }

    private static bool IsNullToken(ReadOnlySpan<char> value, string[] tokens)
    {
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
        DbConnection connection, Guid runId, int attempt, List<DatasetColumn> columns, bool isFirstSchema, string staging, Staged staged,
        DateTime ingestedAt, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var catalog = warehouse.CatalogOn(connection, transaction);
        var run = await catalog.Runs.Include(r => r.Dataset).SingleAsync(r => r.Id == runId, cancellationToken);
        if (run.Status != RunStatus.Running || run.Attempts != attempt)
        {
            throw new RunSupersededException(runId);
        }

        var dataset = run.Dataset;
        if (isFirstSchema)
        {
            if (dataset.Columns.Count > 0)
            {
                // Another run gave the dataset its schema while this one staged; the retry will load against it.
                throw new InvalidOperationException($"Dataset '{dataset.Name}' received its schema from another run meanwhile.");
            }

            dataset.Columns.AddRange(columns);
            await ExecuteAsync(connection, transaction, warehouse.Dialect.CreateTable(dataset.TableName, columns), cancellationToken);
        }

        await using (var append = connection.CreateCommand())
        {
            // Run id and load time are the same for every row: constants of the append, not columns of the staging table.
            append.Transaction = transaction;
            append.CommandText = warehouse.Dialect.AppendFromStaging(staging, dataset.TableName, columns);
            append.AddParameter("@run", runId.ToString());
            append.AddParameter("@at", ingestedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            await append.ExecuteNonQueryAsync(cancellationToken);
        }

        var now = time.GetUtcNow().UtcDateTime;
        dataset.RowCount += staged.Rows;
        dataset.UpdatedAt = now;
        run.Status = RunStatus.Succeeded;
        run.RowsRead = staged.Rows + staged.Rejected;
        run.RowsLoaded = staged.Rows;
        run.RowsRejected = staged.Rejected;
        run.RejectsBlob = staged.RejectsBlob;
        run.Error = null;
        run.Format = staged.Format.ToString();
        run.FinishedAt = now;
        await catalog.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>For each field of the file, the index of the dataset column it loads into.</summary>
    private static int[] TargetsOf(string datasetName, List<DatasetColumn> columns, string[] fileColumns, bool isFirstSchema)
    {
        if (isFirstSchema)
        {
            return [.. Enumerable.Range(0, columns.Count)];
        }

        var mapped = SchemaMatch.Map(datasetName, columns, fileColumns);
        var target = new int[mapped.Length];
        for (var i = 0; i < mapped.Length; i++)
        {
            target[i] = columns.IndexOf(mapped[i]);
        }

        return target;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= MaxValueInError ? text.ToString() : string.Concat(text[..MaxValueInError], "...");

    private static string Article(ColumnType type) => type is ColumnType.Integer ? "an" : "a";
}
