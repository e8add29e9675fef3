using System.Data.Common;
using Diviora.Core.Catalog;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Diviora.Core.Warehouse.Sqlite;

/// <summary>
/// Writes rows with one prepared INSERT, bound by position through SQLite's own API: no parameter objects, no boxing,
/// and text bound as UTF-16 straight from the reader's buffer. It fills either a run's TEMP staging table (in a
/// transaction of its own) or the dataset table itself, inside the run's final transaction.
/// </summary>
internal sealed class SqliteStagingWriter : IStagingWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction? _transaction;
    private readonly sqlite3_stmt _insert;
    private bool _completed;

    /// <summary>The position of the first column's parameter, less one.</summary>
    private readonly int _offset;

    /// <summary>The position of the payload row number's parameter; 0 when the row number is not kept.</summary>
    private readonly int _sourceRowIndex;

    private SqliteStagingWriter(SqliteConnection connection, SqliteTransaction? transaction, sqlite3_stmt insert, int offset, int sourceRowIndex)
    {
        _connection = connection;
        _transaction = transaction;
        _insert = insert;
        _offset = offset;
        _sourceRowIndex = sourceRowIndex;
    }

    /// <summary>Creates the TEMP staging table and opens a writer for it, in a transaction of its own.</summary>
    public static async Task<SqliteStagingWriter> OpenAsync(
        SqliteConnection connection, SqliteDialect dialect, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = dialect.CreateStaging(staging, columns);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // Deferred: writes to the TEMP staging table lock only the connection's own temp database.
        var transaction = connection.BeginTransaction(deferred: true);
        try
        {
            return new SqliteStagingWriter(connection, transaction, Prepare(connection, dialect.InsertStagingRow(staging, columns)), 0, columns.Count + 1);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens a writer that appends to the dataset table inside the connection's open transaction: the rows are visible
    /// with it, or never. Every row gets <paramref name="load"/>'s run id and load time, bound once.
    /// </summary>
    public static SqliteStagingWriter OpenDirect(SqliteConnection connection, SqliteDialect dialect, DirectLoad load)
    {
        var insert = Prepare(connection, dialect.InsertRow(load.Table, load.Columns));
        var writer = new SqliteStagingWriter(connection, null, insert, 2, 0);
        writer.Check(raw.sqlite3_bind_text16(insert, 1, load.RunId.ToString()));
        writer.Check(raw.sqlite3_bind_text16(insert, 2, StoredText.LoadTime(load.IngestedAt)));
        return writer;
    }

    public void WriteNull(int column) => Check(raw.sqlite3_bind_null(_insert, _offset + column + 1));

    public void WriteInteger(int column, long value) => Check(raw.sqlite3_bind_int64(_insert, _offset + column + 1, value));

    public void WriteText(int column, ReadOnlySpan<char> value) => Check(raw.sqlite3_bind_text16(_insert, _offset + column + 1, value));

    public void EndRow(long sourceRow)
    {
        if (_sourceRowIndex > 0)
        {
            Check(raw.sqlite3_bind_int64(_insert, _sourceRowIndex, sourceRow));
        }

        var result = raw.sqlite3_step(_insert);
        raw.sqlite3_reset(_insert);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken);
        }

        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        raw.sqlite3_finalize(_insert);
        if (_transaction is null)
        {
            // A direct load's rows go with the run's final transaction, which its owner commits or rolls back.
            return;
        }

        if (!_completed)
        {
            await _transaction.RollbackAsync();
        }

        await _transaction.DisposeAsync();
    }

    private static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var result = raw.sqlite3_prepare_v2(connection.Handle, sql, out var insert);
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException($"Preparing the insert failed: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", result);
        }

        return insert;
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK && result != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), result);
        }
    }
}
