using System.Diagnostics;
using System.Globalization;
using Diviora.Benchmarks;

// Engine end to end (file -> inference -> typing -> load into SQLite) against sqlite3 .import of the same file.
var rows = ArgValue("--rows") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 1_000_000;
var directory = ArgValue("--dir") ?? Path.Combine(Path.GetTempPath(), "diviora-bench");
var skipSqlite = args.Contains("--skip-sqlite3");

Console.WriteLine($"Generating the standard file ({rows:N0} rows) in {directory} ...");
var file = StandardFile.Ensure(directory, rows);
var megabytes = new FileInfo(file).Length / 1024.0 / 1024.0;
Console.WriteLine($"  {file}: {megabytes:N1} MB");

var engine = await EngineRun.MeasureAsync(file, rows);
Console.WriteLine();
Console.WriteLine($"engine    {engine.Elapsed.TotalSeconds,8:N2} s  {rows / engine.Elapsed.TotalSeconds,12:N0} rows/s  {megabytes / engine.Elapsed.TotalSeconds,8:N1} MB/s  peak {engine.PeakMegabytes:N0} MB");
Console.WriteLine($"          stages: {engine.Stages}");

if (!skipSqlite)
{
    var sqlite = SqliteImport.Measure(file, directory);
    Console.WriteLine($"sqlite3   {sqlite.TotalSeconds,8:N2} s  {rows / sqlite.TotalSeconds,12:N0} rows/s  {megabytes / sqlite.TotalSeconds,8:N1} MB/s  (.import, untyped)");
    Console.WriteLine($"ratio     {engine.Elapsed / sqlite,8:N2} x  (target: at most 2 x)");
}

string? ArgValue(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
