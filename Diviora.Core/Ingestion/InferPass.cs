using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Ingestion.Validation;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Ingestion;

/// <summary>
/// The first pass: reads the whole payload and lets every value of every column, as the column rules leave it, decide
/// the column's type. Its result is the schema plan the run loads against.
/// </summary>
internal sealed class InferPass(RecordReaders readers)
{
    /// <summary>Infers the payload's columns and plans the dataset's schema against them.</summary>
    /// <returns>The plan, and the context to load with: its encoding is Windows-1252 when UTF-8 failed late in the file.</returns>
    public async Task<(SchemaPlan Plan, RunContext Context)> RunAsync(RunContext context)
    {
        List<InferredColumn> columns;
        EarlierPass established;
        try
        {
            (columns, established) = await InferAsync(context);
        }
        catch (IngestionDataException e) when (e.InnerException is System.Text.DecoderFallbackException && context.Options.Encoding is null)
        {
            // The sample read as UTF-8 but later bytes do not: the usual sign of a Windows-1252 export whose first
            // accented character comes late. Both passes then read the file as Windows-1252.
            context = context with { Options = context.Options with { Encoding = "windows-1252" } };
            (columns, established) = await InferAsync(context);
        }

        return (SchemaPlan.For(context.Existing, columns, fromSource: context.Run.SourceName is not null), context with { Earlier = established });
    }

    private async Task<(List<InferredColumn> Columns, EarlierPass Established)> InferAsync(RunContext context)
    {
        var (reader, _, established) = await RunRecords.OpenAsync(readers, context);
        using var _ = reader;
        var names = ColumnNaming.ColumnNames(reader.Header);
        var rules = RunFields.RulesFor(context.Rules, names);
        var nullTokens = context.NullTokens;
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
                var isNull = reader.IsNull(i) || RunFields.IsNullToken(value, nullTokens);
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

        return (columns, established);
    }
}
