using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>What a dashboard reads over HTTP: the overview, runs by status, each dataset's last run, profiles, detection and charts.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class DashboardApiTests(PlatformFixture platform)
{
    private const string Csv = "id,country,amount\n1,DE,10.50\n2,FR,3.25\n3,DE,-1.00\n4,NL,7.00\n";

    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task Overview_counts_a_loaded_file_in_the_current_hour_and_lists_a_failed_run()
    {
        var loaded = await _api.LoadAsync("dash-overview", Csv);
        var failed = await FailedRunAsync("dash-overview-bad");

        var overview = await _api.GetFromJsonAsync<JsonElement>("/api/overview?hours=3");
        var bad = await _api.GetAsync("/api/overview?hours=721");

        Assert.True(overview.GetProperty("datasets").GetInt32() >= 2);
        Assert.True(overview.GetProperty("rows").GetInt64() >= 4);
        Assert.True(overview.GetProperty("runs").GetProperty("succeeded").GetInt32() >= 1);
        Assert.True(overview.GetProperty("runs").GetProperty("failed").GetInt32() >= 1);
        var buckets = overview.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(3, buckets.Count);
        var now = DateTime.UtcNow;
        var current = buckets[^1];
        Assert.Equal(new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc), current.GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(current.GetProperty("start").GetDateTime().AddHours(-2), buckets[0].GetProperty("start").GetDateTime());
        Assert.True(current.GetProperty("succeeded").GetInt32() >= 1);
        Assert.True(current.GetProperty("failed").GetInt32() >= 1);
        Assert.True(current.GetProperty("rowsLoaded").GetInt64() >= 4);
        var failures = overview.GetProperty("latestFailures").EnumerateArray().ToList();
        Assert.InRange(failures.Count, 1, 5);
        Assert.Contains(failures, f => f.GetProperty("id").GetString() == failed.GetProperty("id").GetString());
        Assert.Equal("Failed", failures[0].GetProperty("status").GetString());
        Assert.True(overview.GetProperty("backlog").GetProperty("queuedRuns").GetInt32() >= 0);
        Assert.Equal(JsonValueKind.Number, loaded.GetProperty("attempts").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("hours", (await bad.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_filter_by_status_in_any_case_and_refuse_an_unknown_one()
    {
        await _api.LoadAsync("dash-status", Csv);
        var failed = await FailedRunAsync("dash-status");

        var failures = await _api.GetFromJsonAsync<JsonElement>("/api/runs?dataset=dash-status&status=FAILED");
        var both = await _api.GetFromJsonAsync<JsonElement>("/api/runs?dataset=dash-status&status=failed,%20Succeeded");
        var bad = await _api.GetAsync("/api/runs?status=failed,done");

        Assert.Equal([failed.GetProperty("id").GetString()], failures.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(["Failed", "Succeeded"], both.EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.All(both.EnumerateArray(), r => Assert.True(r.GetProperty("attempts").GetInt32() >= 1));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'done'", (await bad.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datasets_carry_their_latest_run_or_null()
    {
        await _api.LoadAsync("dash-last", Csv);
        var latest = await _api.LoadAsync("dash-last", "id,country,amount\n5,AT,1.00\n");
        (await _api.PutAsync("/api/datasets/dash-empty", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var one = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/dash-last");
        var all = await _api.GetFromJsonAsync<JsonElement>("/api/datasets");
        var empty = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/dash-empty");

        var lastRun = one.GetProperty("lastRun");
        Assert.Equal(latest.GetProperty("id").GetString(), lastRun.GetProperty("id").GetString());
        Assert.Equal(("Succeeded", 1L, 0L), (lastRun.GetProperty("status").GetString(), lastRun.GetProperty("rowsLoaded").GetInt64(), lastRun.GetProperty("rowsRejected").GetInt64()));
        Assert.Equal(latest.GetProperty("finishedAt").GetDateTime(), lastRun.GetProperty("finishedAt").GetDateTime());
        var listed = all.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "dash-last");
        Assert.Equal(lastRun.GetRawText(), listed.GetProperty("lastRun").GetRawText());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("lastRun").ValueKind);
        Assert.Equal(JsonValueKind.Null, all.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "dash-empty").GetProperty("lastRun").ValueKind);
    }

    [Fact]
    public async Task Profile_answers_a_columns_values_over_http()
    {
        await _api.LoadAsync("dash-profile", Csv + "5,,7.00\n");

        var amount = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/dash-profile/profile?column=amount");
        var all = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/dash-profile/profile");
        var unknown = await _api.GetAsync("/api/datasets/dash-profile/profile?column=nope");
        var missing = await _api.GetAsync("/api/datasets/dash-nothing/profile");

        Assert.Equal(("amount", "decimal", 5L, 0L, 4L), (amount.GetProperty("column").GetString(), amount.GetProperty("type").GetString(),
            amount.GetProperty("rows").GetInt64(), amount.GetProperty("nulls").GetInt64(), amount.GetProperty("distinct").GetInt64()));
        Assert.Equal(("-1.00", "10.50"), (amount.GetProperty("min").GetRawText(), amount.GetProperty("max").GetRawText()));
        Assert.Equal("""{"value":7.00,"count":2}""", amount.GetProperty("top")[0].GetRawText());
        var bins = amount.GetProperty("histogram").EnumerateArray().ToList();
        Assert.Equal(20, bins.Count);
        Assert.Equal(5, bins.Sum(b => b.GetProperty("count").GetInt64()));
        Assert.Equal((1L, 1L), (bins[0].GetProperty("count").GetInt64(), bins[^1].GetProperty("count").GetInt64()));
        Assert.Equal(["id", "country", "amount"], all.EnumerateArray().Select(p => p.GetProperty("column").GetString()));
        Assert.Equal(1, all[1].GetProperty("nulls").GetInt64());
        Assert.Equal(JsonValueKind.Null, all[1].GetProperty("histogram").ValueKind);
        Assert.Equal("""[{"value":"DE","count":2},{"value":"FR","count":1},{"value":"NL","count":1}]""", all[1].GetProperty("top").GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("nope", (await unknown.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Detect_reads_a_windows_1252_sample_cut_mid_line()
    {
        var sample = Windows1252.GetBytes("id;name;amount\r\n1;Müller;10.5\r\n2;Zoë;3\r\n3;Gaß;12");

        var detected = await DetectAsync(sample, "people.csv");

        Assert.Equal(("csv", ";", "windows-1252", true, false, false), (detected.GetProperty("format").GetString(), detected.GetProperty("delimiter").GetString(),
            detected.GetProperty("encoding").GetString(), detected.GetProperty("header").GetBoolean(), detected.GetProperty("compressed").GetBoolean(),
            detected.GetProperty("sampleIsWhole").GetBoolean()));
        Assert.Equal("""[{"name":"id","type":"integer"},{"name":"name","type":"text"},{"name":"amount","type":"decimal"}]""", detected.GetProperty("columns").GetRawText());
        Assert.Equal("""[["1","Müller","10.5"],["2","Zoë","3"]]""", detected.GetProperty("rows").GetRawText());
        Assert.Equal(JsonValueKind.Null, detected.GetProperty("sheets").ValueKind);
    }

    [Fact]
    public async Task Detect_reads_a_json_array_and_a_gzip_csv()
    {
        var json = await DetectAsync(Encoding.UTF8.GetBytes("""[{"a":1,"b":"x"},{"a":2,"b":null}]"""), "items.json");
        using var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("x,y\n1,2024-01-02\n3,2024-02-03\n"));
        }

        var csv = await DetectAsync(zipped.ToArray(), "data.csv.gz");

        Assert.Equal(("json", true), (json.GetProperty("format").GetString(), json.GetProperty("sampleIsWhole").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("delimiter").ValueKind);
        Assert.Equal("""[{"name":"a","type":"integer"},{"name":"b","type":"text"}]""", json.GetProperty("columns").GetRawText());
        Assert.Equal("""[["1","x"],["2",null]]""", json.GetProperty("rows").GetRawText());
        Assert.Equal(("csv", ",", true, true), (csv.GetProperty("format").GetString(), csv.GetProperty("delimiter").GetString(),
            csv.GetProperty("compressed").GetBoolean(), csv.GetProperty("sampleIsWhole").GetBoolean()));
        Assert.Equal("""[{"name":"x","type":"integer"},{"name":"y","type":"date"}]""", csv.GetProperty("columns").GetRawText());
        Assert.Equal("""[["1","2024-01-02"],["3","2024-02-03"]]""", csv.GetProperty("rows").GetRawText());
    }

    [Theory]
    [InlineData("?fileName=a.csv&delimiter=ab", "a,b\n1,2\n", "delimiter")]
    [InlineData("?fileName=a.csv&header=maybe", "a,b\n1,2\n", "header")]
    [InlineData("?fileName=a.csv", "", "body")]
    [InlineData("?fileName=a.json", "[{\"a\":1}, oops]", "JSON")]
    public async Task Detect_refuses_a_bad_option_or_sample_with_a_400(string query, string body, string named)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var response = await _api.PostAsync("/api/uploads/detect" + query, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await response.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Charts_round_trip_through_settings_and_bad_ones_are_a_400()
    {
        await _api.LoadAsync("dash-charts", Csv);
        const string Charts = """[{"name":"By country","type":"bar","groupBy":"country","measures":"sum(amount),count()","filter":"amount gt 0"},{"name":"Trend","type":"line","groupBy":"id","measures":"max(amount)"}]""";

        var put = await _api.PutAsync("/api/datasets/dash-charts", Json($$"""{"charts":{{Charts}}}"""));
        var settings = (await _api.GetFromJsonAsync<JsonElement>("/api/datasets/dash-charts")).GetProperty("settings");
        var badType = await _api.PutAsync("/api/datasets/dash-charts", Json("""{"charts":[{"name":"x","type":"donut","groupBy":"country","measures":"count()"}]}"""));
        var badColumn = await _api.PutAsync("/api/datasets/dash-charts", Json("""{"charts":[{"name":"x","type":"pie","groupBy":"region","measures":"count()"}]}"""));
        var twice = await _api.PutAsync("/api/datasets/dash-charts", Json("""{"charts":[{"name":"A","type":"pie","groupBy":"country","measures":"count()"},{"name":"a","type":"bar","groupBy":"id","measures":"count()"}]}"""));
        var tooWide = await _api.PutAsync("/api/datasets/dash-charts", Json("""{"charts":[{"name":"x","type":"bar","groupBy":"id,country,amount","measures":"count()"}]}"""));

        put.EnsureSuccessStatusCode();
        Assert.Equal(Charts, settings.GetProperty("charts").GetRawText());
        await AssertProblemAsync(badType, "charts[0]", "donut");
        await AssertProblemAsync(badColumn, "charts[0]", "region");
        await AssertProblemAsync(twice, "charts[1]", "'a'");
        await AssertProblemAsync(tooWide, "charts[0]", "groupBy");
        var kept = (await _api.GetFromJsonAsync<JsonElement>("/api/datasets/dash-charts")).GetProperty("settings").GetProperty("charts").GetRawText();
        Assert.Equal(Charts, kept);
    }

    private static Encoding Windows1252
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1252);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, params string[] named)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ProblemAsync()).GetProperty("detail").GetString();
        Assert.All(named, n => Assert.Contains(n, detail, StringComparison.Ordinal));
    }

    private async Task<JsonElement> DetectAsync(byte[] sample, string fileName)
    {
        using var content = new ByteArrayContent(sample);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await _api.PostAsync("/api/uploads/detect?fileName=" + Uri.EscapeDataString(fileName), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A run that fails: a file with NUL bytes is not delimited text.</summary>
    private async Task<JsonElement> FailedRunAsync(string dataset)
    {
        using var response = await _api.UploadAsync(dataset, "a,b\n1,\0\0\0\n"u8.ToArray());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await _api.WaitForRunAsync(response.Headers.Location!.ToString());
        Assert.Equal("Failed", run.GetProperty("status").GetString());
        return run;
    }
}
