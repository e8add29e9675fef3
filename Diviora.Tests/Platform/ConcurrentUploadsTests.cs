using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Diviora.Tests.Platform;

/// <summary>The real AppHost with two Worker replicas (<c>--workers 2</c>) and the default queue lease.</summary>
public sealed class ConcurrentUploadsFixture() : PlatformFixture(["--workers", "2", "--Diviora:Documents", "false"]);

[CollectionDefinition(Name)]
public sealed class ConcurrentUploadsCollection : ICollectionFixture<ConcurrentUploadsFixture>
{
    public const string Name = "platform with two workers and the default lease";
}

/// <summary>
/// Many uploads sent at the same moment to two Worker replicas: into one append dataset every row of each lands once,
/// into as many datasets each holds its own file, and into one upsert dataset the run that committed last wins every key.
/// </summary>
[Collection(ConcurrentUploadsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class ConcurrentUploadsTests(ConcurrentUploadsFixture platform, ITestOutputHelper output)
{
    private const int Uploads = 30;
    private const int RowsEach = 200;

    [Fact]
    public async Task Thirty_uploads_at_once_into_one_append_dataset_load_every_row_once()
    {
        var files = Enumerable.Range(0, Uploads).Select(f => Csv(Enumerable.Range(f * RowsEach + 1, RowsEach), id => $"file-{f}")).ToList();

        var runs = await UploadAllAsync(files.Select(csv => ("together", csv)));

        Assert.All(runs, AssertSucceeded);
        Assert.All(runs, r => Assert.Equal(RowsEach, r.GetProperty("rowsLoaded").GetInt64()));
        const long total = (long)Uploads * RowsEach;
        var totals = await AggregateAsync("together", "count(),countdistinct(id),sum(id),min(id),max(id)");
        // As many rows as sent, as many distinct ids, and exactly the ids 1..N: each id once.
        Assert.Equal((total, total, total * (total + 1) / 2, 1L, total),
            (totals.GetProperty("count()").GetInt64(), totals.GetProperty("countdistinct(id)").GetInt64(), totals.GetProperty("sum(id)").GetInt64(),
             totals.GetProperty("min(id)").GetInt64(), totals.GetProperty("max(id)").GetInt64()));
        var dataset = await platform.Api.GetFromJsonAsync<JsonElement>("/api/datasets/together");
        Assert.Equal(total, dataset.GetProperty("rowCount").GetInt64());
    }

    [Fact]
    public async Task Thirty_uploads_at_once_into_thirty_datasets_each_hold_their_own_file()
    {
        var files = Enumerable.Range(0, Uploads)
            .Select(f => ($"apart-{f}", Csv(Enumerable.Range(f * RowsEach + 1, RowsEach), id => $"file-{f}")))
            .ToList();

        var runs = await UploadAllAsync(files);

        Assert.All(runs, AssertSucceeded);
        for (var f = 0; f < Uploads; f++)
        {
            var totals = await AggregateAsync($"apart-{f}", "count(),countdistinct(id),min(id),max(id),countdistinct(note)");
            Assert.Equal(((long)RowsEach, (long)RowsEach, (long)f * RowsEach + 1, (long)(f + 1) * RowsEach, 1L),
                (totals.GetProperty("count()").GetInt64(), totals.GetProperty("countdistinct(id)").GetInt64(), totals.GetProperty("min(id)").GetInt64(),
                 totals.GetProperty("max(id)").GetInt64(), totals.GetProperty("countdistinct(note)").GetInt64()));
        }
    }

    [Fact]
    public async Task Ten_upserts_of_the_same_keys_at_once_leave_each_key_once_with_the_last_committed_run_values()
    {
        const int Keys = 100;
        const int Upserts = 10;
        using (var settings = await platform.Api.PutAsync("/api/datasets/upserted",
            new StringContent("""{"mode": "upsert", "key": ["id"]}""", Encoding.UTF8, "application/json")))
        {
            settings.EnsureSuccessStatusCode();
        }

        var files = Enumerable.Range(0, Upserts).Select(u => ("upserted", Csv(Enumerable.Range(1, Keys), id => $"upload-{u}"))).ToList();

        var runs = await UploadAllAsync(files);

        Assert.All(runs, AssertSucceeded);
        var totals = await AggregateAsync("upserted", "count(),countdistinct(id),min(id),max(id)");
        Assert.Equal(((long)Keys, (long)Keys, 1L, (long)Keys),
            (totals.GetProperty("count()").GetInt64(), totals.GetProperty("countdistinct(id)").GetInt64(), totals.GetProperty("min(id)").GetInt64(),
             totals.GetProperty("max(id)").GetInt64()));

        // Each upload writes its own note on every key; one run's note on every key means no key mixes two runs.
        var notes = await platform.Api.GetFromJsonAsync<JsonElement>("/api/datasets/upserted/aggregate?groupBy=note&measures=count()");
        var groups = notes.GetProperty("rows").EnumerateArray().Select(g => (g.GetProperty("note").GetString(), g.GetProperty("count()").GetInt64())).ToList();
        var winner = Assert.Single(groups);
        Assert.Equal(Keys, winner.Item2);

        // The runs commit one after the other and record their end inside their final transaction, so the last to end is the winner.
        var last = runs.Select((run, u) => (FinishedAt: run.GetProperty("finishedAt").GetDateTime(), Note: $"upload-{u}")).MaxBy(r => r.FinishedAt);
        output.WriteLine($"last committed: {last.Note} at {last.FinishedAt:O}; the dataset holds {winner.Item1}");
        Assert.Equal(last.Note, winner.Item1);
        Assert.Equal(Upserts, runs.Select(r => r.GetProperty("finishedAt").GetDateTime()).Distinct().Count());
    }

    private static void AssertSucceeded(JsonElement run) =>
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", $"Run did not succeed: {run.GetRawText()}");

    /// <summary>Sends every upload at once, then waits until every run has ended; returns the ended runs in the order sent.</summary>
    private async Task<JsonElement[]> UploadAllAsync(IEnumerable<(string Dataset, byte[] Csv)> files)
    {
        var clock = Stopwatch.StartNew();
        var sent = files.Select((file, i) => (file.Dataset, file.Csv, Name: $"part-{i}.csv")).ToList();
        var responses = await Task.WhenAll(sent.Select(file => platform.Api.UploadAsync(file.Dataset, file.Csv, file.Name)));
        var locations = new List<string>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                locations.Add(response.Headers.Location!.ToString());
            }
        }

        output.WriteLine($"{sent.Count} uploads accepted in {clock.Elapsed.TotalSeconds:0.0} s");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var runs = new JsonElement[locations.Count];
        for (var i = 0; i < locations.Count; i++)
        {
            while (true)
            {
                var run = await platform.Api.GetFromJsonAsync<JsonElement>(locations[i], timeout.Token);
                if (run.GetProperty("status").GetString() is "Succeeded" or "Failed")
                {
                    runs[i] = run;
                    break;
                }

                await Task.Delay(250, timeout.Token);
            }
        }

        output.WriteLine($"{sent.Count} runs ended {clock.Elapsed.TotalSeconds:0.0} s after the uploads were sent; " +
            $"{runs.Sum(r => r.GetProperty("attempts").GetInt32() - 1)} retries in all");
        return runs;
    }

    private async Task<JsonElement> AggregateAsync(string dataset, string measures)
    {
        var result = await platform.Api.GetFromJsonAsync<JsonElement>($"/api/datasets/{dataset}/aggregate?measures={Uri.EscapeDataString(measures)}");
        return result.GetProperty("rows")[0];
    }

    /// <summary>A CSV with one row per id, each with the note <paramref name="note"/> gives it.</summary>
    private static byte[] Csv(IEnumerable<int> ids, Func<int, string> note)
    {
        var text = new StringBuilder("id,note,amount\n");
        foreach (var id in ids)
        {
            text.Append(CultureInfo.InvariantCulture, $"{id},{note(id)},{id % 1000 / 10.0:0.0}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
