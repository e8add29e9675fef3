using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Diviora.Tests.Sources;

/// <summary>A source database for tests: a SQLite file or a PostgreSQL database whose rows the test changes between runs.</summary>
internal sealed class ErpDatabase : IAsyncDisposable
{
    private readonly DbConnection _connection;

    private ErpDatabase(DbConnection connection) => _connection = connection;

    public static ErpDatabase Open(string kind, string connectionString)
    {
        DbConnection connection = kind == "sqlite" ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        connection.Open();
        return new ErpDatabase(connection);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
