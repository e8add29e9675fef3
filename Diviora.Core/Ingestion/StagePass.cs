using System.Text.Json.Nodes;
using Diviora.Core.Catalog;
using Diviora.Core.Documents;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Ingestion.Validation;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Ingestion;

/// <summary>
/// The second pass: reads every row through the column rules, converts each value to its column's type and writes it,
/// to a connection-private staging table or straight into the dataset table when the warehouse loads directly. A row
/// that does not fit is listed in the run's rejects file, or fails the run when the dataset says so. A dataset that
/// keeps documents gets them written in the same pass.
/// </summary>
internal sealed class StagePass(IWarehouse warehouse, RecordReaders readers, IRejectsStore rejectsStore, IDocumentStore? documents)
{
    /// <param name="context">The run attempt.</param>
    /// <param name="plan">The schema the rows are typed by.</param>
    /// <param name="staging">The staging table the writer fills; null when it writes the dataset table itself.</param>
    /// <param name="open">Opens the writer.</param>
    /// <exception cref="IngestionDataException">A row does not fit and the dataset fails on that, or too many were rejected.</exception>
    public async Task<StagedRows> RunAsync(RunContext context, SchemaPlan plan, string? staging, Func<Task<IStagingWriter>> open)
    {
        var (run, settings, cancellationToken) = (context.Run, context.Settings, context.Cancellation);
        var nullTokens = context.NullTokens;
        var columns = plan.Columns;
        var (reader, format, _) = await RunRecords.OpenAsync(readers, context.Earlier is null
            ? throw new InvalidOperationException("The stage pass reads what the infer pass established.") : context);
        using var _ = reader;
        var target = plan.Targets;
        if (reader.Header.Count != target.Length)
        {
            throw new InvalidOperationException("The payload changed between its two reads.");
        }

        var rules = RunFields.RulesFor(context.Rules, ColumnNaming.ColumnNames(reader.Header));
        var buffer = new ValueBuffer();

        var types = new ColumnType[target.Length];
        var orders = new DateOrder[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            (types[i], orders[i]) = (columns[target[i]].Type, columns[target[i]].DateOrder);
        }

        // Dataset columns the file lacks stay null in every staged row.
        var missing = Enumerable.Range(0, columns.Count).Except(target).ToArray();
        var keyFields = RunFields.KeyFieldsOf(settings, columns, target);
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
                var isNull = reader.IsNull(i) || RunFields.IsNullToken(field, nullTokens);
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
                    if (reader.IsNull(field) || reader[field].IsEmpty || RunFields.IsNullToken(reader[field], nullTokens))
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
                    await WriteDocumentsAsync(context, capture.Pending);
                }

                continue;
            }

            var column = columns[target[invalid]];
            var value = reader[invalid].ToString();
            var reason = violation ?? RunFields.NotOfType(value, column.Type);
            if (settings.FailOnInvalidRow)
            {
                throw new IngestionDataException($"Row {reader.RowNumber} ({reader.Location}), column '{column.Name}': {reason}");
            }

            await rejects.AddAsync(reader.RowNumber, column.Name, value.AsMemory(), reason, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
        if (capture is not null)
        {
            await WriteDocumentsAsync(context, capture.Pending);
        }

        if (settings.HasKey && !settings.IsUpsert)
        {
            rows -= await new DuplicateKeys(warehouse).RejectAsync(context, plan, staging!, rejects);
        }

        await rejects.CompleteAsync();
        CheckRejectedShare(settings, rows, rejects);
        return new StagedRows(rows, rejects.Count, rejects.Name, format);
    }

    /// <exception cref="IngestionDataException">More rows were rejected than the dataset allows.</exception>
    private static void CheckRejectedShare(DatasetSettings settings, long rows, RejectsWriter rejects)
    {
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
    }

    /// <summary>
    /// Writes documents and clears the list: an upsert dataset's replace those of the same key; an append with a key
    /// keeps the first of a key, as its rows do; without a key ids are the run's own.
    /// </summary>
    private async Task WriteDocumentsAsync(RunContext context, List<JsonObject> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var dataset = context.Run.Dataset.NormalizedName;
        if (context.Settings.HasKey && !context.Settings.IsUpsert)
        {
            await documents!.InsertAsync(dataset, batch, context.Cancellation);
        }
        else
        {
            await documents!.UpsertAsync(dataset, batch, context.Cancellation);
        }

        batch.Clear();
    }
}
