using Diviora.Core.Catalog;
using Npgsql;
using NpgsqlTypes;

namespace Diviora.Core.Warehouse.Postgres;

/// <summary>
/// Stages rows with one binary <c>COPY</c> (<see cref="NpgsqlBinaryImporter"/>): the fastest way into PostgreSQL.
/// COPY takes a row's values in column order, so this writer expects them that way; it always runs behind
/// <see cref="PipelinedStagingWriter"/>, which hands each row over column by column.
/// </summary>
internal sealed class PostgresStagingWriter : IStagingWriter
{
    private readonly NpgsqlBinaryImporter _importer;
    private readonly bool[] _booleans;
    private int _next;
    private long _rowId;

    private PostgresStagingWriter(NpgsqlBinaryImporter importer, IReadOnlyList<DatasetColumn> columns)
    {
        _importer = importer;
        _booleans = [.. columns.Select(c => c.Type == ColumnType.Boolean)];
    }

    public static async Task<PostgresStagingWriter> OpenAsync(
        NpgsqlConnection connection, PostgresDialect dialect, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = dialect.CreateStaging(staging, columns);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var importer = await connection.BeginBinaryImportAsync(dialect.CopyIntoStaging(staging, columns), cancellationToken);
        return new PostgresStagingWriter(importer, columns);
    }

    public void WriteNull(int column)
    {
        Next(column);
        _importer.WriteNull();
    }

    public void WriteInteger(int column, long value)
    {
        Next(column);
        if (_booleans[column])
        {
            _importer.Write(value != 0, NpgsqlDbType.Boolean);
        }
        else
        {
            _importer.Write(value, NpgsqlDbType.Bigint);
        }
    }

    public void WriteText(int column, ReadOnlySpan<char> value)
    {
        Next(column);
        _importer.Write(value.ToString(), NpgsqlDbType.Text);
    }

    public void EndRow(long sourceRow)
    {
        if (_next == 0)
        {
            _importer.StartRow();
        }

        if (_next != _booleans.Length)
        {
            throw new InvalidOperationException($"A staged row ended after {_next} of its {_booleans.Length} values.");
        }

        _importer.Write(sourceRow, NpgsqlDbType.Bigint);
        _importer.Write(++_rowId, NpgsqlDbType.Bigint);
        _next = 0;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _importer.CompleteAsync(cancellationToken);
        // The connection stays in COPY state until the importer is disposed; later statements of the run need it back.
        await _importer.DisposeAsync();
    }

    // Disposing an importer that did not complete cancels the COPY, so nothing of it stays.
    public ValueTask DisposeAsync() => _importer.DisposeAsync();

    private void Next(int column)
    {
        if (column != _next)
        {
            throw new InvalidOperationException($"Staging values must come in column order: expected column {_next}, got {column}.");
        }

        if (_next++ == 0)
        {
            _importer.StartRow();
        }
    }
}
