using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Diviora.Tests.Platform;

/// <summary>
/// The real AppHost with Azurite keeping its blobs and queues on disk, as a developer runs it, so that a stopped
/// Azurite comes back with the uploads and messages it held; a 15-second lease so a message held by a run that lost
/// the queue comes back soon.
/// </summary>
public sealed class StorageOutageFixture() : PlatformFixture(
[
    "--Diviora:Storage:InMemory=false", $"--Diviora:Queue:VisibilityTimeout={StorageOutageFixture.Lease:c}", "--Diviora:Uploads:MaxFileBytes=67108864",
    "--Diviora:Documents", "false",
])
{
    /// <summary>The queue lease the Worker runs with.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
}

[CollectionDefinition(Name)]
public sealed class StorageOutageCollection : ICollectionFixture<StorageOutageFixture>
{
    public const string Name = "platform whose storage is stopped";
}

/// <summary>
/// Azurite stopped for 25 seconds while a run loads, then started again: the run ends, Succeeded with every row once or
/// Failed saying storage was unreachable with nothing loaded, and never stays Queued or Running.
/// </summary>
[Collection(StorageOutageCollection.Name)]
[Trait("Category", "Faults")]
public sealed class StorageOutageTests(StorageOutageFixture platform, ITestOutputHelper output)
{
    private const int Rows = 400_000;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_run_loading_while_storage_is_stopped_ends_with_every_row_once_or_fails_naming_storage_with_nothing_loaded()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var stopWatching = new CancellationTokenSource();
        var worker = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "worker");
        var workerLog = ResourceLogs.WatchAsync(platform.App.Services.GetRequiredService<ResourceLoggerService>(), worker, stopWatching.Token);
        using var response = await platform.Api.UploadAsync("outage", ApiClientExtensions.NumberedCsv(Rows), "outage.csv");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();

        await platform.Api.WaitForRunAsync(location, r => r.GetProperty("status").GetString() != "Queued", TimeSpan.FromSeconds(60), timeout.Token);
        await platform.App.ResourceCommands.ExecuteCommandAsync("storage", "resource-stop", timeout.Token);
        var stopped = Stopwatch.StartNew();
        var during = await platform.Api.GetFromJsonAsync<JsonElement>(location, timeout.Token);
        output.WriteLine($"storage stopped with the run {during.GetProperty("status").GetString()} at attempt {during.GetProperty("attempts").GetInt32()}");

        // The outage lasts its time whatever the run does; the assertion is on how the run ends afterwards.
        await Task.Delay(Outage, timeout.Token);
        await platform.RunAgainAsync("storage", "resource-start", timeout.Token);
        output.WriteLine($"storage running again after {stopped.Elapsed.TotalSeconds:0.0} s");

        var run = await platform.Api.WaitForRunAsync(location, r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(3), timeout.Token);
        output.WriteLine($"run ended {run.GetProperty("status").GetString()} {stopped.Elapsed.TotalSeconds:0.0} s after the stop, " +
            $"attempts {run.GetProperty("attempts").GetInt32()}, error: {Text(run, "error")}, notes: {Text(run, "notes")}");

        // What the Worker went through, for whoever reads the test's output.
        await stopWatching.CancelAsync();
        var runId = location[(location.LastIndexOf('/') + 1)..];
        foreach (var line in (await workerLog).Where(l => l.Contains(runId, StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(40))
        {
            output.WriteLine(line.Length > 300 ? line[..300] : line);
        }

        var dataset = await platform.Api.GetFromJsonAsync<JsonElement>("/api/datasets/outage", timeout.Token);
        if (run.GetProperty("status").GetString() == "Succeeded")
        {
            Assert.Equal((long)Rows, run.GetProperty("rowsLoaded").GetInt64());
            var totals = (await platform.Api.GetFromJsonAsync<JsonElement>(
                "/api/datasets/outage/aggregate?measures=" + Uri.EscapeDataString("count(),countdistinct(id),sum(id)"), timeout.Token)).GetProperty("rows")[0];
            Assert.Equal(((long)Rows, (long)Rows, (long)Rows * (Rows + 1) / 2),
                (totals.GetProperty("count()").GetInt64(), totals.GetProperty("countdistinct(id)").GetInt64(), totals.GetProperty("sum(id)").GetInt64()));
            Assert.Equal((long)Rows, dataset.GetProperty("rowCount").GetInt64());
        }
        else
        {
            Assert.Contains("storage", Text(run, "error"), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0L, dataset.GetProperty("rowCount").GetInt64());
        }

        // Storage is back for whatever comes next: an upload after the outage loads as usual.
        var after = await platform.Api.LoadAsync("after-outage", "id\n1\n2\n");
        Assert.Equal(("Succeeded", 2L), (after.GetProperty("status").GetString(), after.GetProperty("rowsLoaded").GetInt64()));
    }

    private static string Text(JsonElement run, string property) =>
        run.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
