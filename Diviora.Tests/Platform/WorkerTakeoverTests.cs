using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Diviora.Tests.Platform;

/// <summary>
/// The real AppHost with two Worker replicas (<c>--workers 2</c>) and a 10-second queue lease, as an operator would
/// start it, with room for an upload of tens of MB.
/// </summary>
public sealed class TwoWorkersFixture() : PlatformFixture(
[
    "--workers", "2", $"--Diviora:Queue:VisibilityTimeout={TwoWorkersFixture.Lease:c}", "--Diviora:Uploads:MaxFileBytes=268435456",
    "--Diviora:Documents", "false",
])
{
    /// <summary>The queue lease the replicas run with.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
}

[CollectionDefinition(Name)]
public sealed class TwoWorkersCollection : ICollectionFixture<TwoWorkersFixture>
{
    public const string Name = "platform with two workers";
}

/// <summary>
/// A Worker replica killed with SIGKILL in the middle of a load: the other replica takes the run over once the lease
/// runs out, and it ends Succeeded with every row once, two attempts, and a note that says it was taken over.
/// </summary>
[Collection(TwoWorkersCollection.Name)]
[Trait("Category", "Faults")]
public sealed partial class WorkerTakeoverTests(TwoWorkersFixture platform, ITestOutputHelper output)
{
    private const int Rows = 800_000;

    [Fact]
    public async Task A_run_whose_worker_is_killed_mid_load_is_taken_over_by_the_other_and_loads_every_row_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        // Aspire names each replica worker-<suffix>.
        var replicas = new HashSet<string>();
        await foreach (var resourceEvent in platform.App.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (resourceEvent.Resource.Name == "worker" && replicas.Add(resourceEvent.ResourceId) && replicas.Count == 2)
            {
                break;
            }
        }

        Assert.All(replicas, r => Assert.StartsWith("worker-", r, StringComparison.Ordinal));

        // Each replica logs the process id of each attempt it starts: the first attempt's is the process to kill.
        var firstAttempts = new ConcurrentDictionary<Guid, (string Replica, int ProcessId)>();
        var logs = platform.App.Services.GetRequiredService<ResourceLoggerService>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var watching = replicas.Select(replica => Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in logs.WatchAsync(replica).WithCancellation(stopWatching.Token))
                {
                    foreach (var line in batch)
                    {
                        if (AttemptStarted().Match(line.Content) is { Success: true } match && match.Groups["attempt"].Value == "1")
                        {
                            firstAttempts[Guid.Parse(match.Groups["run"].Value)] = (replica, int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture));
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();

        var csv = ApiClientExtensions.NumberedCsv(Rows);
        var uploaded = Stopwatch.StartNew();
        using var response = await platform.Api.UploadAsync("takeover", csv, "takeover.csv");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        var runId = Guid.Parse(location[(location.LastIndexOf('/') + 1)..]);
        output.WriteLine($"{csv.Length / 1e6:0.0} MB uploaded in {uploaded.Elapsed.TotalSeconds:0.0} s as run {runId}");

        (string Replica, int ProcessId) first;
        while (!firstAttempts.TryGetValue(runId, out first))
        {
            await Task.Delay(50, timeout.Token);
        }

        var (replica, processId) = first;
        var running = await platform.Api.GetFromJsonAsync<JsonElement>(location, timeout.Token);
        Assert.Equal(("Running", 1), (running.GetProperty("status").GetString(), running.GetProperty("attempts").GetInt32()));
        using (var victim = Process.GetProcessById(processId))
        {
            victim.Kill();
        }

        var killed = Stopwatch.StartNew();
        output.WriteLine($"killed {replica} (process {processId}) with the run at attempt 1");

        // The other replica takes the run over once the lease runs out, and loads it from the start.
        await platform.Api.WaitForRunAsync(location, r => r.GetProperty("attempts").GetInt32() == 2, TimeSpan.FromSeconds(60), timeout.Token);
        output.WriteLine($"attempt 2 started {killed.Elapsed.TotalSeconds:0.0} s after the kill (lease {TwoWorkersFixture.Lease.TotalSeconds} s)");
        Assert.True(killed.Elapsed < TwoWorkersFixture.Lease * 2 + TimeSpan.FromSeconds(5), $"taken over only after {killed.Elapsed}");

        var run = await platform.Api.WaitForRunAsync(location, r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromSeconds(150), timeout.Token);
        output.WriteLine($"run ended {run.GetProperty("status").GetString()} {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        Assert.Equal(("Succeeded", (long)Rows, (long)Rows, 2), (run.GetProperty("status").GetString(), run.GetProperty("rowsRead").GetInt64(),
            run.GetProperty("rowsLoaded").GetInt64(), run.GetProperty("attempts").GetInt32()));
        var notes = run.GetProperty("notes").GetString();
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ Attempt 2 took over: attempt 1 stopped renewing its lease \(its worker stopped or lost the queue\)\.$", notes);

        // Every row once: as many rows as the file has, and the ids 1..N exactly (their count and sum).
        var totals = await platform.Api.GetFromJsonAsync<JsonElement>(
            "/api/datasets/takeover/aggregate?measures=" + Uri.EscapeDataString("count(),sum(id),min(id),max(id)"), timeout.Token);
        var row = totals.GetProperty("rows")[0];
        Assert.Equal(((long)Rows, (long)Rows * (Rows + 1) / 2, 1L, (long)Rows), (row.GetProperty("count()").GetInt64(), row.GetProperty("sum(id)").GetInt64(),
            row.GetProperty("min(id)").GetInt64(), row.GetProperty("max(id)").GetInt64()));

        await stopWatching.CancelAsync();
        await Task.WhenAll(watching);
    }

    [GeneratedRegex(@"Run (?<run>[0-9a-f-]{36}): attempt (?<attempt>\d+) started in process (?<pid>\d+)")]
    private static partial Regex AttemptStarted();
}
