using System.Globalization;
using Diviora.Benchmarks;

// The engine end to end (file -> inference -> typing -> load) against each warehouse's own bulk loader of the same
// file in the same run, then the query surface on the loaded dataset. SQLite always; PostgreSQL with --postgres.
var rows = ArgValue("--rows") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 1_000_000;
var directory = ArgValue("--dir") ?? Path.Combine(Path.GetTempPath(), "diviora-bench");
var postgres = ArgValue("--postgres") ?? Environment.GetEnvironmentVariable("DIVIORA_BENCH_POSTGRES");
var skipReference = args.Contains("--skip-reference");
var skipQueries = args.Contains("--skip-queries");
var only = ArgValue("--warehouse");
// JSON Lines and a JSON array of the same rows too, each timed against the CSV run.
var jsonFormats = args.Contains("--json");

if (ArgValue("--duckdb-import") is { } duckFile)
{
    // DuckDB's loader in a process of its own, so its buffers do not count in the engine's peak memory.
    var (elapsed, types) = DuckDbImport.Measure(duckFile, directory);
    Console.WriteLine(FormattableString.Invariant($"{elapsed.TotalSeconds}|{types}"));
    return;
}

if (args.Contains("--sources"))
{
    // The fetch stage of source runs only: a database table and a paged REST API into JSON Lines.
    await SourceBench.RunAsync(rows, directory);
    return;
}

Console.WriteLine($"Generating the standard file ({rows:N0} rows) in {directory} ...");
var file = StandardFile.Ensure(directory, rows);
var megabytes = new FileInfo(file).Length / 1024.0 / 1024.0;
Console.WriteLine($"  {file}: {megabytes:N1} MB");
// Small loads into each warehouse first, so the measured runs find the code compiled, as a Worker that has run a few
// loads does: three of 20,000 rows, then a second idle, in which .NET optimises what ran most. `--first-load` measures a
// process's first load instead, after one small load that only opens the warehouse.
var warmUp = StandardFile.Ensure(directory, 20_000);
var warmUps = args.Contains("--first-load") ? 1 : 3;
async Task WarmUpAsync(Func<int, Task<string>> connection, string work)
{
    for (var i = 0; i < warmUps; i++)
    {
        (await EngineRun.MeasureAsync(warmUp, 20_000, await connection(i), work)).Host.Dispose();
    }

    if (warmUps > 1)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
    }
}

if (only is null or "sqlite")
{
    var work = Path.Combine(directory, "engine-" + Guid.NewGuid().ToString("N"));
    await WarmUpAsync(i => Task.FromResult($"Data Source={Path.Combine(work, $"warm-up-{i}.db")}"), work);
    var engine = await EngineRun.MeasureAsync(file, rows, $"Data Source={Path.Combine(work, "warehouse.db")}", work);
    Report("sqlite", engine);
    if (!skipReference)
    {
        var sqlite = SqliteImport.Measure(file, directory);
        Console.WriteLine($"sqlite3   {sqlite.TotalSeconds,8:N2} s  {rows / sqlite.TotalSeconds,12:N0} rows/s  {megabytes / sqlite.TotalSeconds,8:N1} MB/s  (.import, untyped)");
        Console.WriteLine($"ratio     {engine.Elapsed / sqlite,8:N2} x  (target: at most 1.25 x)");
        var (duck, types) = DuckDbImport.MeasureApart(file, directory);
        Console.WriteLine($"duckdb    {duck.TotalSeconds,8:N2} s  {rows / duck.TotalSeconds,12:N0} rows/s  {megabytes / duck.TotalSeconds,8:N1} MB/s  (read_csv_auto, typed: {types})");
        Console.WriteLine($"ratio     {engine.Elapsed / duck,8:N2} x  (the engine against DuckDB)");
    }

    if (jsonFormats)
    {
        foreach (var format in (string[])["jsonl", "json"])
        {
            var json = StandardFile.Ensure(directory, rows, format);
            var jsonWork = Path.Combine(directory, "engine-" + Guid.NewGuid().ToString("N"));
            var run = await EngineRun.MeasureAsync(json, rows, $"Data Source={Path.Combine(jsonWork, "warehouse.db")}", jsonWork);
            run.Host.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DeleteWork(jsonWork);
            Console.WriteLine();
            Console.WriteLine($"{format,-9} {run.Elapsed.TotalSeconds,8:N2} s  {rows / run.Elapsed.TotalSeconds,12:N0} rows/s  {new FileInfo(json).Length / 1024.0 / 1024.0,8:N1} MB  peak {run.PeakMegabytes:N0} MB  into sqlite");
            Console.WriteLine($"          stages: {run.Stages}");
            Console.WriteLine($"ratio     {run.Elapsed / engine.Elapsed,8:N2} x  the CSV run (target: at most 2 x)");
        }
    }

    if (!skipQueries)
    {
        await QueryBench.RunAsync(engine.Host, engine.Dataset, "sqlite");
    }

    engine.Host.Dispose();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    DeleteWork(work);
}

if (only is null or "postgres")
{
    if (postgres is null)
    {
        Console.WriteLine();
        Console.WriteLine("postgres  skipped: pass --postgres \"Host=127.0.0.1;Port=5432;Username=postgres;Password=...\" (or DIVIORA_BENCH_POSTGRES).");
    }
    else
    {
        var work = Path.Combine(directory, "engine-" + Guid.NewGuid().ToString("N"));
        await WarmUpAsync(_ => PostgresCopy.CreateDatabaseAsync(postgres, "diviora_bench"), work);
        var database = await PostgresCopy.CreateDatabaseAsync(postgres, "diviora_bench");
        var engine = await EngineRun.MeasureAsync(file, rows, database, work);
        Report("postgres", engine);
        if (!skipReference)
        {
            var reference = await PostgresCopy.MeasureAsync(file, await PostgresCopy.CreateDatabaseAsync(postgres, "diviora_bench_copy"));
            Console.WriteLine($"\\copy     {reference.TotalSeconds,8:N2} s  {rows / reference.TotalSeconds,12:N0} rows/s  {megabytes / reference.TotalSeconds,8:N1} MB/s  (psql \\copy into a typed table)");
            Console.WriteLine($"ratio     {engine.Elapsed / reference,8:N2} x  (target: at most 1.25 x)");
        }

        if (!skipQueries)
        {
            await QueryBench.RunAsync(engine.Host, engine.Dataset, "postgres");
        }

        engine.Host.Dispose();
        DeleteWork(work);
    }
}

void Report(string label, EngineRun.Result engine)
{
    Console.WriteLine();
    Console.WriteLine($"engine    {engine.Elapsed.TotalSeconds,8:N2} s  {rows / engine.Elapsed.TotalSeconds,12:N0} rows/s  {megabytes / engine.Elapsed.TotalSeconds,8:N1} MB/s  peak {engine.PeakMegabytes:N0} MB  into {label}");
    Console.WriteLine($"          stages: {engine.Stages}");
}

static void DeleteWork(string work)
{
    if (Directory.Exists(work))
    {
        Directory.Delete(work, recursive: true);
    }
}

string? ArgValue(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
