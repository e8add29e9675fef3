using System.Data.Common;
using Diviora.Core.Catalog;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Diviora.Core.Warehouse.Sqlite;

/// <summary>
/// Stages rows with one prepared INSERT, bound by position through SQLite's own API: no parameter objects, no boxing,
/// and text bound as UTF-16 straight from the reader's buffer.
/// </summary>
internal sealed class SqliteStagingWriter : IStagingWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly sqlite3_stmt _insert;
    private bool _completed;

    private readonly int _sourceRowIndex;

    private SqliteStagingWriter(SqliteConnection connection, SqliteTransaction transaction, sqlite3_stmt insert, int columnCount)
    {
        _connection = connection;
        _transaction = transaction;
        _insert = insert;
        _sourceRowIndex = columnCount + 1;
    }

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
        var result = raw.sqlite3_prepare_v2(connection.Handle, dialect.InsertStagingRow(staging, columns), out var insert);
        if (result != raw.SQLITE_OK)
        {
            var message = raw.sqlite3_errmsg(connection.Handle).utf8_to_string();
            await transaction.DisposeAsync();
            throw new SqliteException($"Preparing the staging insert failed: {message}", result);
        }

        return new SqliteStagingWriter(connection, transaction, insert, columns.Count);
    }

    public void WriteNull(int column) => Check(raw.sqlite3_bind_null(_insert, column + 1));

    public void WriteInteger(int column, long value) => Check(raw.sqlite3_bind_int64(_insert, column + 1, value));

    public void WriteText(int column, ReadOnlySpan<char> value) => Check(raw.sqlite3_bind_text16(_insert, column + 1, value));

    public void EndRow(long sourceRow)
    {
        Check(raw.sqlite3_bind_int64(_insert, _sourceRowIndex, sourceRow));
        var result = raw.sqlite3_step(_insert);
        raw.sqlite3_reset(_insert);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        raw.sqlite3_finalize(_insert);
        if (!_completed)
        {
            await _transaction.RollbackAsync();
        }

        await _transaction.DisposeAsync();
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK && result != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), result);
        }
    }
}
