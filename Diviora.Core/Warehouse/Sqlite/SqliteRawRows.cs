using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Diviora.Core.Warehouse.Sqlite;

/// <summary>
/// A query's rows read through SQLite's own API: text comes out as the UTF-8 bytes SQLite stores, with no string
/// made for it. Exports stream every row of a dataset this way, several times faster than through a data reader.
/// </summary>
internal sealed class SqliteRawRows : IDisposable
{
    private readonly SqliteConnection _connection;
    private sqlite3_stmt? _statement;

    private SqliteRawRows(SqliteConnection connection, sqlite3_stmt statement) => (_connection, _statement) = (connection, statement);

    /// <summary>Prepares <paramref name="command"/>'s text and binds its parameters (long, double, string or null).</summary>
    public static SqliteRawRows Prepare(SqliteConnection connection, DbCommand command)
    {
        Check(connection, raw.sqlite3_prepare_v2(connection.Handle, command.CommandText, out var statement));
        var rows = new SqliteRawRows(connection, statement);
        try
        {
            foreach (DbParameter parameter in command.Parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, parameter.ParameterName);
                Check(connection, parameter.Value switch
                {
                    null or DBNull => raw.sqlite3_bind_null(statement, index),
                    long whole => raw.sqlite3_bind_int64(statement, index, whole),
                    int whole => raw.sqlite3_bind_int64(statement, index, whole),
                    double real => raw.sqlite3_bind_double(statement, index, real),
                    string text => raw.sqlite3_bind_text16(statement, index, text),
                    var other => throw new NotSupportedException($"A {other.GetType().Name} parameter cannot be bound here."),
                });
            }

            return rows;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next row; false after the last.</summary>
    public bool Step()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }

        if (result != raw.SQLITE_DONE)
        {
            Check(_connection, result);
        }

        return false;
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public bool IsInteger(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_INTEGER;

    public bool IsText(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_TEXT;

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>The column's text as SQLite stores it (UTF-8), valid until the next <see cref="Step"/>.</summary>
    public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>The column as a data reader would give it: null, long, double, string or bytes.</summary>
    public object? Value(int column) => raw.sqlite3_column_type(_statement, column) switch
    {
        raw.SQLITE_NULL => null,
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, column),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, column),
        raw.SQLITE_TEXT => Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column)),
        _ => raw.sqlite3_column_blob(_statement, column).ToArray(),
    };

    public void Dispose()
    {
        if (_statement is not null)
        {
            raw.sqlite3_finalize(_statement);
            _statement = null;
        }
    }

    private static void Check(SqliteConnection connection, int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), result);
        }
    }
}
