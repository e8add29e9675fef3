using System.Threading.Channels;

namespace Diviora.Core.Warehouse;

/// <summary>
/// Puts the warehouse's inserts on a second core: rows are buffered in batches while the payload is read and typed,
/// and a background task writes full batches to the inner writer. Reading and inserting then overlap instead of
/// taking turns. Values are copied into the batch, so spans passed in need not outlive the call.
/// </summary>
internal sealed class PipelinedStagingWriter : IStagingWriter
{
    private const int RowsPerBatch = 1024;
    private const int BatchesInFlight = 2;

    private readonly IStagingWriter _inner;
    private readonly int _columns;
    private readonly Channel<Batch> _full = Channel.CreateBounded<Batch>(BatchesInFlight);
    private readonly Channel<Batch> _free = Channel.CreateUnbounded<Batch>();
    private readonly Task _consumer;
    private Batch _current;
    private bool _completed;

    public PipelinedStagingWriter(IStagingWriter inner, int columns)
    {
        _inner = inner;
        _columns = columns;
        for (var i = 0; i < BatchesInFlight + 1; i++)
        {
            _free.Writer.TryWrite(new Batch(columns));
        }

        _free.Reader.TryRead(out _current!);
        _consumer = Task.Run(ConsumeAsync);
    }

    public void WriteNull(int column) => _current.SetNull(column);

    public void WriteInteger(int column, long value) => _current.SetInteger(column, value);

    public void WriteText(int column, ReadOnlySpan<char> value) => _current.SetText(column, value);

    public void EndRow(long sourceRow)
    {
        if (_current.EndRow(sourceRow) < RowsPerBatch)
        {
            return;
        }

        Send();
        // A free batch comes back as soon as the consumer has written one; waiting here is the back-pressure.
        _current = _free.Reader.TryRead(out var free) ? free : WaitForFreeBatch();
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_current.Rows > 0)
        {
            Send();
        }

        _full.Writer.Complete();
        await _consumer.WaitAsync(cancellationToken);
        await _inner.CompleteAsync(cancellationToken);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _full.Writer.TryComplete();
            try
            {
                await _consumer;
            }
            catch (Exception)
            {
                // The run is failing already; the reason is the exception that brought us here.
            }
        }

        await _inner.DisposeAsync();
    }

    private void Send()
    {
        if (!_full.Writer.TryWrite(_current))
        {
            _full.Writer.WriteAsync(_current).AsTask().GetAwaiter().GetResult();
        }
    }

    private Batch WaitForFreeBatch()
    {
        var waiting = _free.Reader.ReadAsync().AsTask();
        // A consumer that failed returns no batch: surface its error instead of waiting for ever.
        Task.WaitAny(waiting, _consumer);
        return waiting.IsCompleted ? waiting.Result : throw (_consumer.Exception?.InnerException ?? new InvalidOperationException("The staging writer stopped."));
    }

    private async Task ConsumeAsync()
    {
        await foreach (var batch in _full.Reader.ReadAllAsync())
        {
            batch.WriteTo(_inner, _columns);
            batch.Clear();
            _free.Writer.TryWrite(batch);
        }
    }

    /// <summary>A block of rows: one kind, integer and text slot per cell, texts in one shared char array.</summary>
    private sealed class Batch(int columns)
    {
        private const byte Null = 0;
        private const byte Integer = 1;
        private const byte Text = 2;

        private readonly byte[] _kinds = new byte[RowsPerBatch * columns];
        private readonly long[] _integers = new long[RowsPerBatch * columns];
        private readonly int[] _starts = new int[RowsPerBatch * columns];
        private readonly int[] _lengths = new int[RowsPerBatch * columns];
        private readonly long[] _sourceRows = new long[RowsPerBatch];
        private char[] _chars = new char[RowsPerBatch * columns * 16];
        private int _used;

        public int Rows { get; private set; }

        public void SetNull(int column) => _kinds[(Rows * columns) + column] = Null;

        public void SetInteger(int column, long value)
        {
            var cell = (Rows * columns) + column;
            (_kinds[cell], _integers[cell]) = (Integer, value);
        }

        public void SetText(int column, ReadOnlySpan<char> value)
        {
            if (_used + value.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + value.Length));
            }

            var cell = (Rows * columns) + column;
            value.CopyTo(_chars.AsSpan(_used));
            (_kinds[cell], _starts[cell], _lengths[cell]) = (Text, _used, value.Length);
            _used += value.Length;
        }

        public int EndRow(long sourceRow)
        {
            _sourceRows[Rows] = sourceRow;
            return ++Rows;
        }

        public void WriteTo(IStagingWriter writer, int columnCount)
        {
            for (var row = 0; row < Rows; row++)
            {
                for (var column = 0; column < columnCount; column++)
                {
                    var cell = (row * columnCount) + column;
                    switch (_kinds[cell])
                    {
                        case Integer:
                            writer.WriteInteger(column, _integers[cell]);
                            break;
                        case Text:
                            writer.WriteText(column, _chars.AsSpan(_starts[cell], _lengths[cell]));
                            break;
                        default:
                            writer.WriteNull(column);
                            break;
                    }
                }

                writer.EndRow(_sourceRows[row]);
            }
        }

        public void Clear() => (Rows, _used) = (0, 0);
    }
}
