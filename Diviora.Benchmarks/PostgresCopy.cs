using System.Diagnostics;
using Npgsql;

namespace Diviora.Benchmarks;

/// <summary>
/// Times <c>psql \copy</c> of the same file into a typed table of a fresh database: PostgreSQL's own loader, the
/// reference for the engine on PostgreSQL.
/// </summary>
internal static class PostgresCopy
{
    private const string Table =
        "CREATE TABLE standard (id bigint, customer_id bigint, amount numeric, quantity bigint, ordered_at timestamp, " +
        "shipped boolean, country text, product text, comment text, score numeric)";

    public static async Task<TimeSpan> MeasureAsync(string file, string connectionString)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("DROP TABLE IF EXISTS standard; " + Table, connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("psql", ["-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!, "-v", "ON_ERROR_STOP=1",
            "-c", $"\\copy standard FROM '{file}' WITH (FORMAT csv, HEADER true)"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (builder.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start; apt-get install -y postgresql-client.");
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        stopwatch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql \\copy failed: {errors}");
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Creates a fresh database on the server and answers its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string serverConnectionString, string name)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ToString();
    }
}
