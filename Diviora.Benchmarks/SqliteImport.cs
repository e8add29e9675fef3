using System.Diagnostics;

namespace Diviora.Benchmarks;

/// <summary>Times <c>sqlite3 .import</c> of the same file into a fresh database: the reference loader.</summary>
internal static class SqliteImport
{
    public static TimeSpan Measure(string file, string directory)
    {
        var database = Path.Combine(directory, "sqlite3-import.db");
        File.Delete(database);
        var start = new ProcessStartInfo("sqlite3", [database]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start; apt-get install -y sqlite3.");
        process.StandardInput.WriteLine(".mode csv");
        process.StandardInput.WriteLine($".import '{file}' standard");
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        stopwatch.Stop();
        if (process.ExitCode != 0 || errors.Length > 0)
        {
            throw new InvalidOperationException($"sqlite3 .import failed: {errors}");
        }

        File.Delete(database);
        return stopwatch.Elapsed;
    }
}
