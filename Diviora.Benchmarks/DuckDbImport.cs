using System.Diagnostics;
using DuckDB.NET.Data;

namespace Diviora.Benchmarks;

/// <summary>
/// Times DuckDB's <c>read_csv_auto</c> of the same file into a table of a fresh database file: a loader that infers
/// each column's type as it goes, as the engine does, and the fastest one there is to compare with.
/// </summary>
internal static class DuckDbImport
{
    /// <summary>
    /// Measures in a second process of this benchmark (<c>--duckdb-import</c>): DuckDB's parallel reader takes a few
    /// hundred MB, which would otherwise count in the peak memory reported for the engine's later runs.
    /// </summary>
    public static (TimeSpan Elapsed, string Types) MeasureApart(string file, string directory)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!, ["--duckdb-import", file, "--dir", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The DuckDB measurement did not start.");
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var parts = output.Trim().Split('|', 2);
        if (process.ExitCode != 0 || parts.Length != 2)
        {
            throw new InvalidOperationException($"The DuckDB measurement failed: {errors}{output}");
        }

        return (TimeSpan.FromSeconds(double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)), parts[1]);
    }

    /// <returns>How long the load took, and the column types DuckDB inferred (to check it typed what the engine types).</returns>
    public static (TimeSpan Elapsed, string Types) Measure(string file, string directory)
    {
        var database = Path.Combine(directory, "duckdb-import.duckdb");
        File.Delete(database);
        File.Delete(database + ".wal");
        var stopwatch = Stopwatch.StartNew();
        string types;
        using (var connection = new DuckDBConnection($"Data Source={database}"))
        {
            connection.Open();
            using var load = connection.CreateCommand();
            // The path is the benchmark's own file; DuckDB's table functions take no parameters for it.
            load.CommandText = $"CREATE TABLE standard AS SELECT * FROM read_csv_auto('{file.Replace("'", "''", StringComparison.Ordinal)}')";
            load.ExecuteNonQuery();
            stopwatch.Stop();
            using var describe = connection.CreateCommand();
            describe.CommandText = "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'standard'";
            types = describe.ExecuteScalar() as string ?? "";
        }

        File.Delete(database);
        return (stopwatch.Elapsed, types);
    }
}
