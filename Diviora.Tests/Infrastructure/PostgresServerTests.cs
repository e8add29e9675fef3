using Npgsql;

namespace Diviora.Tests.Infrastructure;

/// <summary>The test PostgreSQL server: a fresh database per call, usable for tables and rows.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Platform")]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task A_created_database_takes_a_table_and_gives_back_its_rows()
    {
        await using var connection = new NpgsqlConnection(await server.CreateDatabaseAsync("rows"));
        await connection.OpenAsync();

        await ExecuteAsync(connection, "CREATE TABLE city (id integer PRIMARY KEY, name text NOT NULL)");
        await ExecuteAsync(connection, "INSERT INTO city (id, name) VALUES (1, 'Zürich'), (2, 'Łódź')");

        var rows = new List<(int Id, string Name)>();
        await using var select = new NpgsqlCommand("SELECT id, name FROM city ORDER BY id", connection);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        Assert.Equal([(1, "Zürich"), (2, "Łódź")], rows);
    }

    [Fact]
    public async Task The_connection_string_names_a_new_database_that_starts_with_the_prefix()
    {
        var connectionString = await server.CreateDatabaseAsync("Named Prefix");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var current = new NpgsqlCommand("SELECT current_database()", connection);
        var name = (string?)await current.ExecuteScalarAsync();

        Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Database, name);
        Assert.StartsWith("named_prefix_", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Databases_do_not_see_each_others_tables()
    {
        await using var first = new NpgsqlConnection(await server.CreateDatabaseAsync("isolation"));
        await using var second = new NpgsqlConnection(await server.CreateDatabaseAsync("isolation"));
        await first.OpenAsync();
        await second.OpenAsync();

        await ExecuteAsync(first, "CREATE TABLE only_here (id integer)");

        await using var lookup = new NpgsqlCommand("SELECT to_regclass('only_here') IS NOT NULL", second);
        Assert.False((bool)(await lookup.ExecuteScalarAsync())!);
        Assert.NotEqual(first.Database, second.Database);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
