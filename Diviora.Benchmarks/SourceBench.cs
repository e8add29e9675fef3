using System.Diagnostics;
using System.Globalization;
using System.Text;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Diviora.Core.Sources.Network;
using Diviora.Core.Sources.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Diviora.Benchmarks;

/// <summary>
/// The fetch stage of source runs: a SQLite table read by the database fetcher, and a local REST API paged by the REST
/// fetcher, each written as JSON Lines to a stream that only counts bytes. Reports records per second, megabytes
/// written and the memory allocated on the way.
/// </summary>
internal static class SourceBench
{
    public static async Task RunAsync(int rows, string directory)
    {
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, $"source-{rows}.db");
        if (!File.Exists(database))
        {
            Console.WriteLine($"Writing {rows:N0} rows into {database} ...");
            CreateTable(database, rows);
        }

        var secrets = MemorySecretStore.With(new Dictionary<string, string> { ["bench-db"] = $"Data Source={database}" }, "localhost");
        var settings = new DatabaseSettings { Provider = "sqlite", Connection = "secret:bench-db", Query = "select id, customer, country, amount, placed_at from orders" };
        var fetcher = new DatabaseFetcher(secrets, SourceNetworkPolicy.PublicOnly, new DatabaseFetchOptions { SqliteFolder = directory });
        await fetcher.FetchAsync(settings, null, Stream.Null, CancellationToken.None, maxRows: 10_000);
        await MeasureAsync("database (sqlite)", rows, async output => (await fetcher.FetchAsync(settings, null, output, CancellationToken.None)).Records);

        const int PageSize = 1000;
        await using var api = await PagedApi.StartAsync(rows);
        // The real sources client, with the local API as the one private endpoint allowed.
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse("127.0.0.1")));
        var rest = new RestFetcher(http, secrets);
        var restSettings = new RestSettings
        {
            Url = api.Url, RecordsPath = "$.data",
            Pagination = new RestPagination { Type = "offset", Param = "offset", LimitParam = "limit", Size = PageSize },
        };
        await MeasureAsync($"rest (pages of {PageSize:N0})", rows, async output => (await rest.FetchAsync(restSettings, null, output, CancellationToken.None)).Records);
    }

    private static async Task MeasureAsync(string label, int rows, Func<Stream, Task<long>> fetch)
    {
        var output = new CountingStream();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        var records = await fetch(output);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / 1024.0;
        if (records != rows)
        {
            throw new InvalidOperationException($"{label}: fetched {records:N0} records, expected {rows:N0}.");
        }

        var megabytes = output.Length / 1024.0 / 1024.0;
        Console.WriteLine($"{label,-24} {elapsed.TotalSeconds,8:N2} s  {rows / elapsed.TotalSeconds,12:N0} records/s  {megabytes,8:N1} MB of JSON Lines  " +
            $"{allocatedMb,8:N1} MB allocated  working set {Environment.WorkingSet / 1024 / 1024:N0} MB");
    }

    private static void CreateTable(string path, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "create table orders (id integer primary key, customer text not null, country text not null, amount real not null, placed_at text not null)";
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "insert into orders values ($id, $customer, $country, $amount, $at)";
        var (id, customer, country, amount, at) = (insert.Parameters.Add("$id", SqliteType.Integer), insert.Parameters.Add("$customer", SqliteType.Text),
            insert.Parameters.Add("$country", SqliteType.Text), insert.Parameters.Add("$amount", SqliteType.Real), insert.Parameters.Add("$at", SqliteType.Text));
        string[] countries = ["DE", "FR", "NL", "PL", "ES", "IT"];
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 1; i <= rows; i++)
        {
            (id.Value, customer.Value, country.Value) = (i, $"customer-{i % 50_000:00000}", countries[i % countries.Length]);
            (amount.Value, at.Value) = (i % 100_000 / 100.0, start.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture));
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>A local API serving <c>{ "data": [...] }</c> pages by offset and limit, generated as they are asked for.</summary>
    private sealed class PagedApi : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private PagedApi(WebApplication app, string url) => (_app, Url) = (app, url);

        public string Url { get; }

        public static async Task<PagedApi> StartAsync(int total)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/orders", (int offset, int limit) =>
            {
                var page = new StringBuilder("{\"data\":[");
                for (var i = offset + 1; i <= Math.Min(total, offset + limit); i++)
                {
                    page.Append(i == offset + 1 ? "" : ",")
                        .Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"customer\":\"customer-{i % 50_000:00000}\",\"country\":\"DE\",\"amount\":{i % 100_000 / 100.0},\"placed_at\":\"2026-01-01T00:00:00Z\"}}");
                }

                return Results.Content(page.Append("]}").ToString(), "application/json");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new PagedApi(app, address.TrimEnd('/') + "/orders");
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
