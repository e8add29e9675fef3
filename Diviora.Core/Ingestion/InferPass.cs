using System.Collections.Concurrent;
using System.Threading.Channels;
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
        var observer = new Observer(RunFields.RulesFor(context.Rules, names), context.NullTokens);
        await ReadAsync(reader, observer, context.Cancellation);
        var (rules, inference) = (observer.Rules, observer.Columns);

        var columns = new List<InferredColumn>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            columns.Add(new InferredColumn(
                rules[i]?.RenamedName ?? names[i], inference[i].Result, inference[i].Nullable, inference[i].HasValues,
                names[i] == SystemColumns.Source ? ColumnType.Text : ColumnValues.Parse(rules[i]?.Settings.Type), inference[i].DateOrder, inference[i].DecimalShape));
        }

        return (columns, established);
    }

    /// <summary>
    /// Reads every record on this thread while another observes the values, batch by batch: parsing takes more than half of
    /// the pass and recognising types the rest, so on two cores the pass takes about the time of the parsing alone.
    /// </summary>
    private static async Task ReadAsync(IRecordReader reader, Observer observer, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var full = Channel.CreateBounded<FieldBatch>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true });
        var spare = new ConcurrentQueue<FieldBatch>();
        var observing = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in full.Reader.ReadAllAsync(stop.Token))
                {
                    observer.Observe(batch);
                    batch.Clear();
                    spare.Enqueue(batch);
                }
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        try
        {
            var batch = new FieldBatch(reader.Header.Count);
            while (reader.Read())
            {
                batch.Add(reader);
                if (batch.IsFull)
                {
                    await full.Writer.WriteAsync(batch, stop.Token);
                    batch = spare.TryDequeue(out var reused) ? reused : new FieldBatch(reader.Header.Count);
                }
            }

            await full.Writer.WriteAsync(batch, stop.Token);
            full.Writer.Complete();
        }
        catch
        {
            full.Writer.TryComplete();
            await stop.CancelAsync();
            await observing.ContinueWith(_ => { }, TaskScheduler.Default);
            if (observing.IsFaulted)
            {
                // The observer failed first, and the reader stopped because of it: the observer's exception says why.
                await observing;
            }

            throw;
        }

        await observing;
    }

    /// <summary>What the infer pass keeps per column, fed one batch at a time on the observing thread.</summary>
    private sealed class Observer(ColumnRules?[] rules, string[] nullTokens)
    {
        private readonly ValueBuffer _buffer = new();

        public ColumnRules?[] Rules => rules;

        public ColumnTypeInference[] Columns { get; } = [.. rules.Select(_ => new ColumnTypeInference())];

        public void Observe(FieldBatch batch)
        {
            var columns = Columns;
            for (var row = 0; row < batch.Rows; row++)
            {
                for (var i = 0; i < columns.Length; i++)
                {
                    var value = batch[row, i];
                    var isNull = batch.IsNull(row, i) || RunFields.IsNullToken(value, nullTokens);
                    if (rules[i] is not { } rule)
                    {
                        columns[i].Observe(value, isNull);
                        continue;
                    }

                    // Types are inferred from values as the rules leave them; a value the rules refuse will be rejected.
                    var result = rule.Apply(value, isNull, _buffer);
                    if (result.IsValid)
                    {
                        columns[i].Observe(result.Value, result.IsNull);
                    }
                }
            }
        }
    }
}
