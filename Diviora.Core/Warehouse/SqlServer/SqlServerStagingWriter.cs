using System.Collections;
using System.Data.Common;
using Diviora.Core.Catalog;
using Microsoft.Data.SqlClient;

namespace Diviora.Core.Warehouse.SqlServer;

/// <summary>
/// Stages rows with <see cref="SqlBulkCopy"/>, the fastest way into SQL Server: rows collect in one reusable
/// <see cref="Batch"/> of <see cref="RowsPerWrite"/> rows, and each full batch is one bulk insert into the temp
/// table, so memory stays flat however large the file. It runs behind <see cref="PipelinedStagingWriter"/>, on its
/// background task, and numbers the rows 1, 2, 3, ... as it stages them.
/// </summary>
internal sealed class SqlServerStagingWriter : IStagingWriter
{
    /// <summary>Rows per bulk insert: large enough that the per-insert round trip does not count, small enough to stay flat.</summary>
    public const int RowsPerWrite = 10_000;

    private readonly SqlBulkCopy _bulkCopy;
    private readonly Batch _batch;
    private long _rowId;

    private SqlServerStagingWriter(SqlBulkCopy bulkCopy, Batch batch)
    {
        _bulkCopy = bulkCopy;
        _batch = batch;
    }

    public static async Task<SqlServerStagingWriter> OpenAsync(
        SqlConnection connection, SqlServerDialect dialect, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = dialect.CreateStaging(staging, columns);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // The temp table is the session's own: locking all of it costs nobody anything and lets SQL Server log less.
        // EnableStreaming stays off: a batch's values are already in memory, there is nothing to stream.
        var bulkCopy = new SqlBulkCopy(connection, SqlBulkCopyOptions.TableLock, externalTransaction: null)
        {
            DestinationTableName = dialect.StagingTable(staging),
            // The load connection's own command timeout (Diviora:Warehouse:LoadTimeout), not none.
            BulkCopyTimeout = connection.CommandTimeout,
        };
        for (var i = 0; i < columns.Count; i++)
        {
            bulkCopy.ColumnMappings.Add(i, columns[i].PhysicalName);
        }

        bulkCopy.ColumnMappings.Add(columns.Count, SystemColumns.SourceRow);
        bulkCopy.ColumnMappings.Add(columns.Count + 1, SystemColumns.RowId);
        // Rows arrive in row id order, the staging table's clustered key: nothing to sort.
        bulkCopy.ColumnOrderHints.Add(SystemColumns.RowId, SortOrder.Ascending);
        return new SqlServerStagingWriter(bulkCopy, new Batch(columns, RowsPerWrite));
    }

    public void WriteNull(int column) => _batch.SetNull(column);

    public void WriteInteger(int column, long value) => _batch.SetInteger(column, value);

    public void WriteText(int column, ReadOnlySpan<char> value) => _batch.SetText(column, value);

    public void EndRow(long sourceRow)
    {
        if (_batch.EndRow(sourceRow, ++_rowId) == RowsPerWrite)
        {
            _bulkCopy.WriteToServer(_batch);
            _batch.Clear();
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_batch.Rows > 0)
        {
            await _bulkCopy.WriteToServerAsync(_batch, cancellationToken);
            _batch.Clear();
        }
    }

    // Rows already written stay in the temp table; the run drops it whether it succeeds or fails.
    public ValueTask DisposeAsync()
    {
        ((IDisposable)_bulkCopy).Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A block of staged rows read by <see cref="SqlBulkCopy"/>: the dataset's columns in order (integers as
    /// <see cref="long"/>, booleans as <see cref="bool"/>, the rest as canonical text), then the payload row number
    /// and the row id. Filled row by row, read once, cleared and filled again.
    /// </summary>
    internal sealed class Batch : DbDataReader
    {
        private static readonly object True = true;
        private static readonly object False = false;

        private readonly IReadOnlyList<DatasetColumn> _columns;
        private readonly bool[] _booleans;
        private readonly int _fields;
        private readonly object[] _values;
        private int _position = -1;

        public Batch(IReadOnlyList<DatasetColumn> columns, int capacity)
        {
            _columns = columns;
            _booleans = [.. columns.Select(c => c.Type == ColumnType.Boolean)];
            _fields = columns.Count + 2;
            _values = new object[capacity * _fields];
            Capacity = capacity;
        }

        /// <summary>The most rows the batch holds.</summary>
        public int Capacity { get; }

        /// <summary>The rows ended so far.</summary>
        public int Rows { get; private set; }

        public override int FieldCount => _fields;

        public override bool HasRows => Rows > 0;

        public override bool IsClosed => false;

        public override int RecordsAffected => -1;

        public override int Depth => 0;

        public override object this[int ordinal] => GetValue(ordinal);

        public override object this[string name] => GetValue(GetOrdinal(name));

        public void SetNull(int column) => _values[Cell(Rows, column)] = DBNull.Value;

        public void SetInteger(int column, long value) =>
            _values[Cell(Rows, column)] = _booleans[column] ? (value != 0 ? True : False) : value;

        public void SetText(int column, ReadOnlySpan<char> value) => _values[Cell(Rows, column)] = value.ToString();

        /// <summary>Ends the current row with its payload row number and row id.</summary>
        /// <returns>The number of rows in the batch.</returns>
        /// <exception cref="InvalidOperationException">The batch is full.</exception>
        public int EndRow(long sourceRow, long rowId)
        {
            if (Rows == Capacity)
            {
                throw new InvalidOperationException($"A staging batch holds {Capacity} rows; write it before adding more.");
            }

            _values[Cell(Rows, _fields - 2)] = sourceRow;
            _values[Cell(Rows, _fields - 1)] = rowId;
            return ++Rows;
        }

        /// <summary>Empties the batch for the next rows.</summary>
        public void Clear() => (Rows, _position) = (0, -1);

        public override bool Read() => _position < Rows && ++_position < Rows;

        public override bool NextResult() => false;

        public override object GetValue(int ordinal) =>
            _position >= 0 && _position < Rows ? _values[Cell(_position, ordinal)] : throw new InvalidOperationException("No current row: call Read first.");

        public override int GetValues(object[] values)
        {
            var count = Math.Min(values.Length, _fields);
            for (var i = 0; i < count; i++)
            {
                values[i] = GetValue(i);
            }

            return count;
        }

        public override bool IsDBNull(int ordinal) => GetValue(ordinal) is DBNull;

        public override string GetName(int ordinal) => ordinal switch
        {
            _ when ordinal < _columns.Count => _columns[ordinal].PhysicalName,
            _ when ordinal == _fields - 2 => SystemColumns.SourceRow,
            _ => SystemColumns.RowId,
        };

        public override int GetOrdinal(string name)
        {
            for (var i = 0; i < _fields; i++)
            {
                if (GetName(i) == name)
                {
                    return i;
                }
            }

            throw new ArgumentOutOfRangeException(nameof(name), name, "The staging batch has no such column.");
        }

        public override Type GetFieldType(int ordinal) => ordinal < _columns.Count
            ? _columns[ordinal].Type switch { ColumnType.Boolean => typeof(bool), ColumnType.Integer => typeof(long), _ => typeof(string) }
            : typeof(long);

        public override string GetDataTypeName(int ordinal) => Type.GetTypeCode(GetFieldType(ordinal)) switch
        {
            TypeCode.Boolean => "bit",
            TypeCode.Int64 => "bigint",
            _ => "nvarchar(max)",
        };

        public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);

        public override long GetInt64(int ordinal) => (long)GetValue(ordinal);

        public override string GetString(int ordinal) => (string)GetValue(ordinal);

        public override IEnumerator GetEnumerator() => new DbEnumerator(this);

        public override byte GetByte(int ordinal) => throw Unsupported();

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw Unsupported();

        public override char GetChar(int ordinal) => throw Unsupported();

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw Unsupported();

        public override DateTime GetDateTime(int ordinal) => throw Unsupported();

        public override decimal GetDecimal(int ordinal) => throw Unsupported();

        public override double GetDouble(int ordinal) => throw Unsupported();

        public override float GetFloat(int ordinal) => throw Unsupported();

        public override Guid GetGuid(int ordinal) => throw Unsupported();

        public override short GetInt16(int ordinal) => throw Unsupported();

        public override int GetInt32(int ordinal) => throw Unsupported();

        private int Cell(int row, int field) => (row * _fields) + field;

        private static NotSupportedException Unsupported() => new("Staged values are long, bool or string: read them with GetValue.");
    }
}
