using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Azure.Storage.Blobs;
using Diviora.Tests.Infrastructure;
using Diviora.Tests.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Platform;

/// <summary>
/// Runs of sources on the running platform: a REST source tested, run now and loaded by the real Worker with its
/// secret kept out of every answer and log; and files dropped into Azurite while the Worker restarts, each loaded
/// exactly once and archived.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SourceRunsApiTests(PlatformFixture platform)
{
    private static readonly string[] LocalFile = ["localhost"];

    private static readonly string[] SourcesHost = ["127.0.0.1"];

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task The_apphost_passes_the_operators_allowed_endpoints_and_sources_reach_nothing_else()
    {
        // The fixture starts the AppHost with --Diviora:Sources:AllowPrivateEndpoints=127.0.0.1: a server there answers
        // the Api's source test, and the same server's twin on 127.0.0.2 (loopback, not listed) hears nothing.
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var listed = await RecordsAsync("127.0.0.1", requests);
        await using var unlisted = await RecordsAsync("127.0.0.2", requests);

        var refused = await TestAsync(LocalWebApp.BaseUrl(unlisted));
        var allowed = await TestAsync(LocalWebApp.BaseUrl(listed));

        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("is a loopback address: sources reach public addresses only", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(allowed.GetProperty("ok").GetBoolean(), allowed.ToString());
        Assert.Equal(["127.0.0.1"], requests);

        async Task<JsonElement> TestAsync(string baseUrl)
        {
            using var response = await _api.PostAsJsonAsync("/api/sources/test", new { kind = "rest", dataset = "reach", rest = new { url = baseUrl + "/records", recordsPath = "$.data" } });
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> RecordsAsync(string address, System.Collections.Concurrent.ConcurrentQueue<string> requests)
    {
        var app = LocalWebApp.Create(address);
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/records", () =>
        {
            requests.Enqueue(address);
            return Microsoft.AspNetCore.Http.Results.Text("""{"data":[{"id":1}]}""", "application/json");
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task A_rest_source_is_tested_run_now_and_loaded_by_the_worker_and_its_secret_never_comes_out()
    {
        await using var crm = await CrmServer.StartAsync(60);
        using var stop = new CancellationTokenSource();
        var logs = platform.App.Services.GetRequiredService<ResourceLoggerService>();
        var resources = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources;
        var apiLog = ResourceLogs.WatchAsync(logs, resources.Single(r => r.Name == "api"), stop.Token);
        var workerLog = ResourceLogs.WatchAsync(logs, resources.Single(r => r.Name == "worker"), stop.Token);
        var answers = new StringBuilder();
        using (var secret = await _api.PutAsync("/api/secrets/crm-token", JsonContent.Create(new { value = CrmServer.Token, allowedHosts = SourcesHost })))
        {
            Assert.Equal(HttpStatusCode.NoContent, secret.StatusCode);
        }

        var definition = """
            {"name":"crm-run","kind":"rest","dataset":"crm_customers",
             "mapping":{"columns":{"cust_id":"id","mail":"email"},"constants":{"region":"EU"}},
             "rest":{"url":"CRM_URL","headers":{"Authorization":"secret:crm-token"},"recordsPath":"$.data",
                     "pagination":{"type":"page","param":"page","sizeParam":"per_page","size":25},
                     "incremental":{"cursorField":"updated_at","param":"updated_since"}}}
            """.Replace("CRM_URL", crm.Url("/customers"), StringComparison.Ordinal);
        using var tested = await _api.PostAsync("/api/sources/test", Json(definition));
        var test = await Read(tested, answers);
        using var created = await _api.PostAsync("/api/sources", Json(definition));
        await Read(created, answers);
        using var started = await _api.PostAsync("/api/sources/crm-run/runs", null);
        var accepted = await Read(started, answers);
        var run = await WaitForRunAsync(accepted.GetProperty("runId").GetGuid(), answers);
        var source = await Read(await _api.GetAsync("/api/sources/crm-run"), answers);
        var rows = await Read(await _api.GetAsync("/api/datasets/crm_customers/rows?orderBy=id&limit=100"), answers);
        var runs = await Read(await _api.GetAsync("/api/runs?source=crm-run"), answers);
        var listed = (await Read(await _api.GetAsync("/api/sources"), answers)).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "crm-run");

        crm.Touch(7);
        using var again = await _api.PostAsync("/api/sources/crm-run/runs", null);
        var second = await WaitForRunAsync((await Read(again, answers)).GetProperty("runId").GetGuid(), answers);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();

        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
        Assert.Equal(20, test.GetProperty("records").GetArrayLength());
        Assert.Equal(1, test.GetProperty("records")[0].GetProperty("cust_id").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal($"/api/runs/{run.GetProperty("id").GetGuid()}", started.Headers.Location?.ToString());
        Assert.Equal(("Succeeded", 60, "crm-run"), (run.GetProperty("status").GetString(), run.GetProperty("rowsLoaded").GetInt32(), run.GetProperty("source").GetString()));
        Assert.True(run.GetProperty("fetchMs").GetInt64() > 0);
        Assert.Equal(("Succeeded", run.GetProperty("id").GetGuid()), (source.GetProperty("lastRun").GetProperty("status").GetString(), source.GetProperty("lastRun").GetProperty("id").GetGuid()));
        Assert.Equal(CrmServer.Stamp(60), source.GetProperty("cursor").GetString());
        Assert.Equal(run.GetProperty("id").GetGuid(), listed.GetProperty("lastRun").GetProperty("id").GetGuid());
        var first = rows.GetProperty("rows")[0];
        Assert.Equal((1, "c1@example.com", "EU", "crm-run"),
            (first.GetProperty("id").GetInt32(), first.GetProperty("email").GetString(), first.GetProperty("region").GetString(), first.GetProperty("_source").GetString()));
        Assert.Equal(60, rows.GetProperty("rows").GetArrayLength());
        Assert.Equal([run.GetProperty("id").GetGuid()], runs.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(("Succeeded", 1), (second.GetProperty("status").GetString(), second.GetProperty("rowsLoaded").GetInt32()));
        Assert.Contains(crm.Requests, r => r.Contains("updated_since=" + Uri.EscapeDataString(CrmServer.Stamp(60)), StringComparison.Ordinal));

        const string TokenPart = "7f3a-secret";
        Assert.DoesNotContain(TokenPart, answers.ToString(), StringComparison.Ordinal);
        foreach (var lines in new[] { await apiLog, await workerLog })
        {
            Assert.Contains(lines, line => line.Contains("Application started", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains(TokenPart, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_database_source_is_tested_and_run_twice_by_the_worker_loading_only_the_changed_rows_the_second_time()
    {
        // SQLite sources open only files in the platform's sources folder.
        var file = Path.Combine(platform.SqliteSources, $"erp-{Guid.NewGuid():N}.db");
        await using (var erp = ErpDatabase.Open("sqlite", $"Data Source={file}"))
        {
            await erp.ExecuteAsync("create table items (sku text primary key, price real not null, changed integer not null)");
            for (var i = 1; i <= 50; i++)
            {
                await erp.ExecuteAsync($"insert into items values ('sku-{i:000}', {i}.5, {i})");
            }
        }

        var answers = new StringBuilder();
        (await _api.PutAsync("/api/secrets/erp-items", JsonContent.Create(new { value = $"Data Source={file}", allowedHosts = LocalFile }))).Dispose();
        var definition = """
            {"name":"erp-items","kind":"database","dataset":"erp_items",
             "database":{"provider":"sqlite","connection":"secret:erp-items","query":"select sku, price, changed from items",
                         "incremental":{"column":"changed"}}}
            """;
        var test = await Read(await _api.PostAsync("/api/sources/test", Json(definition)), answers);
        (await _api.PostAsync("/api/sources", Json(definition))).Dispose();
        var first = await WaitForRunAsync((await Read(await _api.PostAsync("/api/sources/erp-items/runs", null), answers)).GetProperty("runId").GetGuid(), answers);
        await using (var erp = ErpDatabase.Open("sqlite", $"Data Source={file}"))
        {
            await erp.ExecuteAsync("update items set price = 0.99, changed = 51 where sku = 'sku-007'");
        }

        var second = await WaitForRunAsync((await Read(await _api.PostAsync("/api/sources/erp-items/runs", null), answers)).GetProperty("runId").GetGuid(), answers);
        var source = await Read(await _api.GetAsync("/api/sources/erp-items"), answers);

        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
        Assert.Equal(20, test.GetProperty("records").GetArrayLength());
        Assert.Equal(("Succeeded", 50), (first.GetProperty("status").GetString(), first.GetProperty("rowsLoaded").GetInt32()));
        Assert.Equal(("Succeeded", 1), (second.GetProperty("status").GetString(), second.GetProperty("rowsLoaded").GetInt32()));
        Assert.Equal("51", source.GetProperty("cursor").GetString());
        Assert.DoesNotContain(file, answers.ToString(), StringComparison.Ordinal);
        File.Delete(file);
    }

    [Fact]
    public async Task A_failed_upload_is_replayed_after_its_setting_is_fixed_and_a_source_run_replays_without_fetching()
    {
        using (var strict = await _api.PutAsync("/api/datasets/replayed", Json("""{"onInvalidRow":"fail","columns":[{"name":"qty","type":"integer"}]}""")))
        {
            Assert.True(strict.IsSuccessStatusCode);
        }

        var failed = await _api.LoadAsync("replayed", "sku,qty\na,1\nb,two\nc,3\n");
        using (var lenient = await _api.PutAsync("/api/datasets/replayed", Json("""{"onInvalidRow":"reject","columns":[{"name":"qty","type":"integer"}]}""")))
        {
            Assert.True(lenient.IsSuccessStatusCode);
        }

        using var replayed = await _api.PostAsync($"/api/runs/{failed.GetProperty("id").GetGuid()}/replay", null);
        var replay = await _api.WaitForRunAsync(replayed.Headers.Location!.ToString());
        using var again = await _api.PostAsync($"/api/runs/{Guid.NewGuid()}/replay", null);

        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        Assert.Equal(("Succeeded", 2, 1, "data.csv"),
            (replay.GetProperty("status").GetString(), replay.GetProperty("rowsLoaded").GetInt32(), replay.GetProperty("rowsRejected").GetInt32(), replay.GetProperty("fileName").GetString()));
        Assert.NotEqual(failed.GetProperty("id").GetGuid(), replay.GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        // A source's run: the same records and _source again, nothing fetched, the cursor where it was.
        await using var crm = await CrmServer.StartAsync(5);
        (await _api.PutAsync("/api/secrets/crm-replay", JsonContent.Create(new { value = CrmServer.Token, allowedHosts = SourcesHost }))).Dispose();
        (await _api.PostAsync("/api/sources", Json("""
            {"name":"crm-replay","kind":"rest","dataset":"crm_replay","rest":{"url":"CRM_URL","headers":{"Authorization":"secret:crm-replay"},
             "recordsPath":"$.data","incremental":{"cursorField":"updated_at","param":"updated_since"}}}
            """.Replace("CRM_URL", crm.Url("/customers"), StringComparison.Ordinal)))).Dispose();
        using var started = await _api.PostAsync("/api/sources/crm-replay/runs", null);
        var pulled = await _api.WaitForRunAsync(started.Headers.Location!.ToString());
        var requests = crm.Requests.Count;
        using var replayedPull = await _api.PostAsync($"/api/runs/{pulled.GetProperty("id").GetGuid()}/replay", null);
        var replayPull = await _api.WaitForRunAsync(replayedPull.Headers.Location!.ToString());
        var source = await _api.GetFromJsonAsync<JsonElement>("/api/sources/crm-replay");
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/crm_replay/rows?limit=100");

        Assert.Equal(("Succeeded", 5), (pulled.GetProperty("status").GetString(), pulled.GetProperty("rowsLoaded").GetInt32()));
        Assert.Equal(("Succeeded", 5, "crm-replay"), (replayPull.GetProperty("status").GetString(), replayPull.GetProperty("rowsLoaded").GetInt32(), replayPull.GetProperty("source").GetString()));
        Assert.False(replayPull.TryGetProperty("fetchMs", out _));
        Assert.Equal(requests, crm.Requests.Count);
        Assert.Equal(CrmServer.Stamp(5), source.GetProperty("cursor").GetString());
        Assert.Equal(pulled.GetProperty("id").GetGuid(), source.GetProperty("lastRun").GetProperty("id").GetGuid());
        Assert.Equal(10, rows.GetProperty("rows").GetArrayLength());
        Assert.All(rows.GetProperty("rows").EnumerateArray(), r => Assert.Equal("crm-replay", r.GetProperty("_source").GetString()));
    }

    [Fact]
    public async Task Run_now_is_refused_for_a_drop_zone_and_an_unknown_source_and_drop_zones_may_not_overlap()
    {
        using var created = await _api.PostAsync("/api/sources", Json("""{"name":"drop-refused","kind":"dropzone","dataset":"d","dropzone":{"prefix":"refused/"}}"""));
        using var inside = await _api.PostAsync("/api/sources", Json("""{"name":"drop-inside","kind":"dropzone","dataset":"d","dropzone":{"prefix":"refused/deeper/"}}"""));
        using var samePut = await _api.PutAsync("/api/sources/drop-refused", Json("""{"kind":"dropzone","dataset":"d2","dropzone":{"prefix":"refused/"}}"""));
        using var dropzone = await _api.PostAsync("/api/sources/drop-refused/runs", null);
        using var unknown = await _api.PostAsync("/api/sources/no-such-source/runs", null);
        using var invalid = await _api.PostAsync("/api/sources/test", Json("""{"kind":"rest","dataset":"d","rest":{"url":"https://x.example.com","headers":{"Authorization":"Bearer abc"}}}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, inside.StatusCode);
        Assert.Equal("dropzone.prefix 'refused/deeper/' overlaps 'refused/', the prefix of source 'drop-refused': a file there would belong to both. Choose a folder of its own.",
            (await inside.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, samePut.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, dropzone.StatusCode);
        Assert.Contains("runs when a file arrives", (await dropzone.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.StartsWith("rest.headers['Authorization']", (await invalid.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_dropped_while_the_worker_restarts_are_each_loaded_exactly_once_and_archived()
    {
        using (var created = await _api.PostAsync("/api/sources", Json("""{"name":"partner-drop","kind":"dropzone","dataset":"partner_orders","dropzone":{"prefix":"partners/acme/"}}""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var storage = await platform.App.GetConnectionStringAsync("storage") ?? throw new InvalidOperationException("No storage connection string.");
        var incoming = new BlobServiceClient(storage).GetBlobContainerClient("incoming");
        await incoming.CreateIfNotExistsAsync();

        await StopWorkerAsync();
        for (var i = 1; i <= 6; i++)
        {
            await incoming.GetBlobClient($"partners/acme/orders-{i}.csv").UploadAsync(BinaryData.FromString(Orders(i)));
        }

        await StartWorkerAsync();
        await WaitForRunsAsync("partner-drop", 6);

        // More files, and the worker restarted straight after they land.
        for (var i = 7; i <= 9; i++)
        {
            await incoming.GetBlobClient($"partners/acme/orders-{i}.csv").UploadAsync(BinaryData.FromString(Orders(i)));
        }

        await StopWorkerAsync();
        await StartWorkerAsync();
        var runs = await WaitForRunsAsync("partner-drop", 9);
        await Task.Delay(TimeSpan.FromSeconds(6));
        runs = await _api.GetFromJsonAsync<JsonElement>("/api/runs?source=partner-drop&limit=100");
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/partner_orders");
        var names = new List<string>();
        await foreach (var blob in incoming.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.Equal(9, runs.GetArrayLength());
        Assert.All(runs.EnumerateArray(), r => Assert.Equal("Succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => $"partners/acme/orders-{i}.csv"),
            runs.EnumerateArray().Select(r => r.GetProperty("fileName").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(9 * 2, dataset.GetProperty("rowCount").GetInt32());
        Assert.Equal(9, names.Count(n => n.StartsWith("archive/partners/acme/", StringComparison.Ordinal)));
        Assert.DoesNotContain(names, n => n.StartsWith("partners/acme/", StringComparison.Ordinal));
    }

    /// <summary>Stops the Worker and waits until its process has ended, so a start that follows finds its port free.</summary>
    private async Task StopWorkerAsync()
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        await platform.App.ResourceCommands.ExecuteCommandAsync("worker", "resource-stop", timeout.Token);
        await platform.App.ResourceNotifications.WaitForResourceAsync("worker", KnownResourceStates.TerminalStates, timeout.Token);
    }

    private async Task StartWorkerAsync()
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        await platform.RunAgainAsync("worker", "resource-start", timeout.Token);
    }

    private static string Orders(int file) => $"order_id,qty\n{file}01,{file}\n{file}02,{file * 2}\n";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Read(HttpResponseMessage response, StringBuilder answers)
    {
        var text = await response.Content.ReadAsStringAsync();
        answers.AppendLine(text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> WaitForRunAsync(Guid runId, StringBuilder answers)
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        while (true)
        {
            var run = await Read(await _api.GetAsync($"/api/runs/{runId}", timeout.Token), answers);
            if (run.GetProperty("status").GetString() is "Succeeded" or "Failed")
            {
                return run;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    private async Task<JsonElement> WaitForRunsAsync(string source, int count)
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        while (true)
        {
            var runs = await _api.GetFromJsonAsync<JsonElement>($"/api/runs?source={source}&limit=100", timeout.Token);
            if (runs.GetArrayLength() >= count && runs.EnumerateArray().All(r => r.GetProperty("status").GetString() is "Succeeded" or "Failed"))
            {
                return runs;
            }

            await Task.Delay(250, timeout.Token);
        }
    }
}
