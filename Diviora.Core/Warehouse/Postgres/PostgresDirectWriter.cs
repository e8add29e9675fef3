using System.Buffers;
using System.Globalization;
using Diviora.Core.Catalog;
using Npgsql;

namespace Diviora.Core.Warehouse.Postgres;

/// <summary>
/// Appends a run's rows to the dataset table itself with one text-format <c>COPY</c>, inside the run's final
/// transaction: PostgreSQL parses the canonical text of each value into the column's type, as <c>\copy</c> does.
/// The run id and load time come from the table's defaults (set once per transaction), not from every row. Values of
/// a row may come in any order, and a row the pipeline abandons half-way is never sent: a row is held until
/// <see cref="EndRow"/>. It runs on the reading thread; the server parses in its own process, on the other core.
/// </summary>
internal sealed class PostgresDirectWriter : IStagingWriter
{
    private const int BlockSize = 64 * 1024;

    private static readonly SearchValues<char> Escaped = SearchValues.Create("\\\t\n\r");

    private readonly NpgsqlCopyTextWriter _copy;
    private readonly bool[] _booleans;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private char[] _row = new char[4096];
    private char[] _block = new char[BlockSize];
    private int _blockUsed;
    private int _used;
    private bool _completed;

    private PostgresDirectWriter(NpgsqlCopyTextWriter copy, IReadOnlyList<DatasetColumn> columns)
    {
        _copy = copy;
        _booleans = [.. columns.Select(c => c.Type == ColumnType.Boolean)];
        _starts = new int[columns.Count];
        _lengths = new int[columns.Count];
    }

    public static async Task<PostgresDirectWriter> OpenAsync(
        NpgsqlConnection connection, PostgresDialect dialect, string table, IReadOnlyList<DatasetColumn> columns, Guid runId,
        CancellationToken cancellationToken)
    {
        await using (var setRun = connection.CreateCommand())
        {
            setRun.CommandText = PostgresDialect.SetRun;
            setRun.AddParameter("@run", runId.ToString());
            await setRun.ExecuteNonQueryAsync(cancellationToken);
        }

        var copy = (NpgsqlCopyTextWriter)await connection.BeginTextImportAsync(dialect.CopyIntoTable(table, columns), cancellationToken);
        return new PostgresDirectWriter(copy, columns);
    }

    public void WriteNull(int column) => Set(column, "\\N");

    public void WriteInteger(int column, long value)
    {
        if (_booleans[column])
        {
            Set(column, value != 0 ? "t" : "f");
            return;
        }

        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        Set(column, digits[..written]);
    }

    public void WriteText(int column, ReadOnlySpan<char> value)
    {
        if (value.IndexOfAny(Escaped) < 0)
        {
            Set(column, value);
            return;
        }

        // COPY's text format escapes backslash, tab, newline and carriage return.
        var start = _used;
        while (value.IndexOfAny(Escaped) is var special and >= 0)
        {
            Append(value[..special]);
            Append(value[special] switch { '\\' => "\\\\", '\t' => "\\t", '\n' => "\\n", _ => "\\r" });
            value = value[(special + 1)..];
        }

        Append(value);
        (_starts[column], _lengths[column]) = (start, _used - start);
    }

    public void EndRow(long sourceRow)
    {
        // Rows gather in one block of text that goes to the COPY in a single write: far fewer calls than a write per value.
        var needed = _used + _starts.Length + 1;
        if (_blockUsed + needed > _block.Length)
        {
            Flush();
            if (needed > _block.Length)
            {
                _block = new char[needed];
            }
        }

        for (var column = 0; column < _starts.Length; column++)
        {
            if (column > 0)
            {
                _block[_blockUsed++] = '\t';
            }

            _row.AsSpan(_starts[column], _lengths[column]).CopyTo(_block.AsSpan(_blockUsed));
            _blockUsed += _lengths[column];
        }

        _block[_blockUsed++] = '\n';
        _used = 0;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        Flush();
        // Disposing the writer ends the COPY and makes the rows part of the transaction.
        await _copy.DisposeAsync();
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Abandons the COPY: none of its rows stays, and the transaction rolls back around it. The server
            // answers a cancelled COPY with an error; the run is failing for its own reason already.
            try
            {
                await _copy.CancelAsync();
                await _copy.DisposeAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
            }
        }
    }

    private void Flush()
    {
        _copy.Write(_block, 0, _blockUsed);
        _blockUsed = 0;
    }

    private void Set(int column, ReadOnlySpan<char> text)
    {
        (_starts[column], _lengths[column]) = (_used, text.Length);
        Append(text);
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_used + text.Length > _row.Length)
        {
            Array.Resize(ref _row, Math.Max(_row.Length * 2, _used + text.Length));
        }

        text.CopyTo(_row.AsSpan(_used));
        _used += text.Length;
    }
}
