using Diviora.Core.Warehouse;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class PipelinedStagingWriterTests
{
    [Fact]
    public async Task Hands_every_row_to_the_inner_writer_in_order_across_batches()
    {
        var inner = new RecordingWriter();
        await using (var writer = new PipelinedStagingWriter(inner, columns: 3))
        {
            for (var row = 1; row <= 2500; row++)
            {
                writer.WriteInteger(0, row);
                writer.WriteText(1, $"text {row}");
                writer.WriteNull(2);
                writer.EndRow(row + 1);
            }

            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.True(inner.Completed);
        Assert.Equal(2500, inner.Rows.Count);
        Assert.Equal("1|text 1|null|2", inner.Rows[0]);
        Assert.Equal("2500|text 2500|null|2501", inner.Rows[^1]);
        Assert.Equal(Enumerable.Range(1, 2500).Select(r => $"{r}|text {r}|null|{r + 1}"), inner.Rows);
    }

    [Fact]
    public async Task A_row_that_was_started_but_not_ended_is_overwritten_by_the_next()
    {
        var inner = new RecordingWriter();
        await using var writer = new PipelinedStagingWriter(inner, columns: 2);

        writer.WriteText(0, "rejected");
        writer.WriteText(1, "half");
        writer.WriteText(0, "kept");
        writer.WriteInteger(1, 7);
        writer.EndRow(2);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(["kept|7|2"], inner.Rows);
    }

    [Fact]
    public async Task An_error_of_the_inner_writer_reaches_the_caller()
    {
        var inner = new RecordingWriter { FailAtRow = 1500 };
        var writer = new PipelinedStagingWriter(inner, columns: 1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            for (var row = 1; row <= 100_000; row++)
            {
                writer.WriteInteger(0, row);
                writer.EndRow(row);
            }

            await writer.CompleteAsync(CancellationToken.None);
        });

        Assert.Equal("disk full at row 1500", error.Message);
        await writer.DisposeAsync();
        Assert.False(inner.Completed);
    }

    private sealed class RecordingWriter : IStagingWriter
    {
        private readonly List<string> _cells = [];

        public List<string> Rows { get; } = [];

        public bool Completed { get; private set; }

        public int FailAtRow { get; init; } = int.MaxValue;

        public void WriteNull(int column) => _cells.Add("null");

        public void WriteInteger(int column, long value) => _cells.Add(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public void WriteText(int column, ReadOnlySpan<char> value) => _cells.Add(value.ToString());

        public void EndRow(long sourceRow)
        {
            if (Rows.Count + 1 == FailAtRow)
            {
                throw new InvalidOperationException($"disk full at row {FailAtRow}");
            }

            Rows.Add(string.Join("|", _cells.Append(sourceRow.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            _cells.Clear();
        }

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            Completed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
