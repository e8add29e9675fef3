using System.Diagnostics;
using Diviora.Core.Catalog;
using Diviora.Core.Query;
using Diviora.Core.Query.Export;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diviora.Benchmarks;

/// <summary>
/// The query surface on the loaded standard dataset: pages of 100 rows (median of up to 30 runs, after one warm-up)
/// with its declared indexes, and a CSV export of every row, timed to the last byte.
/// </summary>
internal static class QueryBench
{
    private const int Repeats = 30;
    private const int MinRepeats = 5;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(IHost host, string datasetName, string label)
    {
        var warehouse = host.Services.GetRequiredService<IWarehouse>();
        var queries = host.Services.GetRequiredService<DatasetQueries>();
        Dataset dataset;
        await using (var catalog = warehouse.CreateCatalog())
        {
            dataset = await catalog.Datasets.SingleAsync(d => d.Name == datasetName);
            var settings = new DatasetSettings { Indexes = [["country"], ["ordered_at"], ["amount"]] };
            dataset.Settings = settings.ToJson();
            await catalog.SaveChangesAsync();
            var indexing = Stopwatch.StartNew();
            await using var connection = await warehouse.OpenAsync(CancellationToken.None);
            await DatasetIndexes.CreateAsync(warehouse, connection, null, dataset, settings, CancellationToken.None);
            Console.WriteLine($"{label,-9} indexes on country, ordered_at, amount built in {indexing.Elapsed.TotalSeconds:N2} s");
        }

        RowsRequest[] pages =
        [
            new() { Filter = "ordered_at ge 2024-06-01T00:00:00", OrderBy = "ordered_at", Limit = 100 },
            new() { Filter = "country eq 'DE'", OrderBy = "amount desc", Limit = 100 },
            new() { Filter = "amount gt 90000 and shipped eq true", OrderBy = "amount", Limit = 100 },
            new() { OrderBy = "ordered_at desc", Limit = 100, Offset = 500_000 },
        ];
        foreach (var request in pages)
        {
            var median = await MedianAsync(() => queries.ReadAsync(dataset, request, CancellationToken.None));
            var shape = $"filter={request.Filter ?? "-"} orderBy={request.OrderBy}" + (request.Offset > 0 ? $" offset={request.Offset:N0}" : "");
            Console.WriteLine($"{label,-9} page of 100  median {median,7:N1} ms  {shape}");
        }

        // A deep page by cursor: walk to page 5,000 once, then time the next page from its cursor.
        var deep = new RowsRequest { OrderBy = "ordered_at desc", Limit = 100 };
        var page = await queries.ReadAsync(dataset, deep with { Offset = 499_900 }, CancellationToken.None);
        var cursorMedian = await MedianAsync(() => queries.ReadAsync(dataset, deep with { Cursor = page.NextCursor }, CancellationToken.None));
        Console.WriteLine($"{label,-9} page of 100  median {cursorMedian,7:N1} ms  orderBy=ordered_at desc after row 500,000 by cursor (target < 50 ms)");

        var aggregate = await MedianAsync(() => queries.AggregateAsync(dataset, "country", "count(),sum(amount),avg(score)", null, 1000, CancellationToken.None));
        Console.WriteLine($"{label,-9} aggregate    median {aggregate,7:N1} ms  groupBy=country measures=count(),sum(amount),avg(score) over every row");

        var counting = new CountingStream();
        var export = Stopwatch.StartNew();
        await using (var rows = await queries.OpenAsync(dataset, null, null, null, CancellationToken.None))
        {
            await RowExports.WriteAsync("csv", rows, counting, raw: false, CancellationToken.None);
        }

        export.Stop();
        var megabytes = counting.Length / 1024.0 / 1024.0;
        Console.WriteLine($"{label,-9} csv export   {megabytes:N1} MB in {export.Elapsed.TotalSeconds:N2} s = {megabytes / export.Elapsed.TotalSeconds:N1} MB/s (target >= 50 MB/s)");
    }

    private static async Task<double> MedianAsync<T>(Func<Task<T>> query)
    {
        await query();
        // Up to 30 runs, but slow queries on large files stop after 10 s (and at least 5 runs).
        var times = new List<double>(Repeats);
        var budget = Stopwatch.StartNew();
        while (times.Count < Repeats && (times.Count < MinRepeats || budget.Elapsed < Budget))
        {
            var stopwatch = Stopwatch.StartNew();
            await query();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
