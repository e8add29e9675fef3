using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Network;
using Diviora.Core.Sources.Rest;
using Diviora.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Diviora.Tests.Sources;

/// <summary>
/// The REST fetcher against a real local HTTP server that pages four ways, rate-limits, fails, drops and hangs now and
/// then, checks the credentials and filters by the incremental cursor. Waits are recorded, not slept.
/// </summary>
[Trait("Category", "Platform")]
public sealed class RestFetcherTests
{
    private const string Token = "Bearer s3cret-token-4711";
    private const int Total = 250;
    private const int PageSize = 50;

    [Theory]
    [InlineData("page", 6)]
    [InlineData("offset", 6)]
    [InlineData("nextLink", 5)]
    [InlineData("cursor", 5)]
    public async Task Every_mode_fetches_every_record_exactly_once_in_order_through_429s_500s_drops_and_hangs(string mode, int pages)
    {
        var store = new RecordStore(Total);
        await using var server = await TestServer.StartAsync(app => MapRecords(app, store), flaky: true);
        var time = new RecordedTime();

        var (result, lines) = await FetchAsync(server, time, Settings(server, mode));

        Assert.Equal(Enumerable.Range(1, Total), lines.Select(l => l.GetProperty("id").GetInt32()));
        Assert.Equal(new RestFetchResult(Total, pages, null), result);
        Assert.Equal(["500", "429", "drop", "hang"], server.Failures);
        Assert.Contains(TimeSpan.FromSeconds(2), time.Waits);
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Object, l.ValueKind));
    }

    [Fact]
    public async Task The_output_is_json_lines_one_object_per_line_in_utf8()
    {
        var store = new RecordStore(3);
        store.Records[1]["name"] = "Zoë \"quoted\"";
        await using var server = await TestServer.StartAsync(app => MapRecords(app, store));
        using var output = new MemoryStream();

        await Fetcher(server, new RecordedTime()).FetchAsync(Settings(server, "page"), null, output, CancellationToken.None);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(3, text.Count(c => c == '\n'));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Zoë \\\"quoted\\\"\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
    }

    [Fact]
    public async Task Incremental_runs_send_the_last_cursor_and_fetch_only_what_changed()
    {
        var store = new RecordStore(Total);
        await using var server = await TestServer.StartAsync(app => MapRecords(app, store));
        var settings = Settings(server, "page") with { Incremental = new RestIncremental { CursorField = "updated_at", Param = "updated_since" } };

        var (first, all) = await FetchAsync(server, new RecordedTime(), settings);
        Assert.Equal(Total, all.Count);
        Assert.Equal(RecordStore.Stamp(Total), first.NewCursor);
        Assert.DoesNotContain(server.Requests, r => r.Contains("updated_since", StringComparison.Ordinal));

        store.Touch(10, 20);
        store.Add();
        server.Requests.Clear();
        var (second, changed) = await FetchAsync(server, new RecordedTime(), settings, first.NewCursor);
        Assert.Equal([10, 20, Total + 1], changed.Select(l => l.GetProperty("id").GetInt32()));
        Assert.Equal(new RestFetchResult(3, 1, RecordStore.Stamp(Total + 3)), second);
        Assert.All(server.Requests, r => Assert.Contains("updated_since=" + Uri.EscapeDataString(first.NewCursor!), r, StringComparison.Ordinal));

        var (third, none) = await FetchAsync(server, new RecordedTime(), settings, second.NewCursor);
        Assert.Empty(none);
        Assert.Equal(new RestFetchResult(0, 1, second.NewCursor), third);
    }

    [Fact]
    public async Task Numeric_cursors_compare_as_numbers_and_text_cursors_ordinally()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/versions", Json("""{"data":[{"v":9},{"v":10},{"v":2},{"v":null},{"n":1}]}""")));
        var settings = new RestSettings
        {
            Url = server.Url("/versions"),
            Headers = new Dictionary<string, string> { ["Authorization"] = "secret:crm-token" },
            RecordsPath = "$.data",
            Incremental = new RestIncremental { CursorField = "v", Param = "since" },
        };

        var (result, _) = await FetchAsync(server, new RecordedTime(), settings, "8");

        Assert.Equal("10", result.NewCursor);
        Assert.True(CursorValue.Compare(CursorValue.FromText("9"), CursorValue.FromText("10")) < 0);
        Assert.True(CursorValue.Compare(new CursorValue("9", null), new CursorValue("10", null)) > 0);
        Assert.True(CursorValue.Compare(CursorValue.FromText("2026-05-04T09:59:59Z"), CursorValue.FromText("2026-05-04T10:00:00Z")) < 0);
    }

    [Fact]
    public async Task Retry_After_as_a_date_is_waited_for_and_a_long_one_is_cut_to_five_minutes()
    {
        var calls = 0;
        await using var server = await TestServer.StartAsync(app => app.MapGet("/slow", async ctx =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    ctx.Response.StatusCode = 503;
                    ctx.Response.Headers.RetryAfter = RecordedTime.Now.AddSeconds(7).ToString("R", CultureInfo.InvariantCulture);
                    return;
                case 2:
                    ctx.Response.StatusCode = 429;
                    ctx.Response.Headers.RetryAfter = "3600";
                    return;
                default:
                    await Json("""[{"id":1}]""")(ctx);
                    return;
            }
        }));
        var time = new RecordedTime();

        var (result, _) = await FetchAsync(server, time, Plain(server, "/slow"));

        Assert.Equal(1, result.Records);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromMinutes(5)], time.Waits);
    }

    [Fact]
    public async Task A_404_fails_at_once_naming_the_status_the_url_and_the_body_with_query_values_hidden()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/gone", async ctx =>
        {
            ctx.Response.StatusCode = 404;
            await ctx.Response.WriteAsync("no such list: " + new string('x', 600));
        }));
        var time = new RecordedTime();

        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(server, time, Plain(server, "/gone?account=literal-key-99&page=1")));

        Assert.Single(server.Requests);
        Assert.Empty(time.Waits);
        Assert.Equal(404, error.StatusCode);
        Assert.Contains("Page 1 (" + server.Url("/gone") + "?account=***&page=***)", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 404 Not Found: no such list: xxx", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("literal-key-99", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 500), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent_500s_give_up_after_5_attempts_with_exponential_backoff_and_say_so()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/broken", async ctx =>
        {
            ctx.Response.StatusCode = 500;
            await ctx.Response.WriteAsync("database is down");
        }));
        var time = new RecordedTime();

        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(server, time, Plain(server, "/broken")));

        Assert.Equal(5, server.Requests.Count);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal($"Gave up on page 1 ({server.Url("/broken")}) after 5 attempts; the last error: HTTP 500 Internal Server Error: database is down", error.Message);
        Assert.Equal(4, time.Waits.Count);
        for (var i = 0; i < 4; i++)
        {
            var full = TimeSpan.FromSeconds(Math.Pow(2, i));
            Assert.InRange(time.Waits[i], full / 2, full);
        }
    }

    [Fact]
    public async Task A_next_link_loop_is_detected()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/loop", ctx =>
            Json(ctx.Request.Query["p"] == "2" ? """{"data":[{"id":2}],"next":"/loop?p=1"}""" : """{"data":[{"id":1}],"next":"loop?p=2"}""")(ctx)));
        var settings = Plain(server, "/loop?p=1") with { RecordsPath = "$.data", Pagination = new RestPagination { Type = "nextLink", Path = "$.next" } };

        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(server, new RecordedTime(), settings));

        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("Page 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("which was fetched before: the next links loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cursor_seen_before_stops_the_fetch()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/same", Json("""{"items":[{"id":1}],"cursor":"abc"}""")));
        var settings = Plain(server, "/same") with { RecordsPath = "$.items", Pagination = new RestPagination { Type = "cursor", Param = "c", Path = "$.cursor" } };

        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(server, new RecordedTime(), settings));

        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("Page 2 (" + server.Url("/same") + "?c=abc) gives the cursor 'abc'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_pages_than_the_maximum_stop_with_a_clear_error()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/endless", ctx =>
        {
            var p = int.Parse(ctx.Request.Query["p"].ToString(), CultureInfo.InvariantCulture);
            return Json($$"""{"data":[{"id":{{p}}}],"next":"/endless?p={{p + 1}}"}""")(ctx);
        }));
        var settings = Plain(server, "/endless?p=1") with { RecordsPath = "$.data", Pagination = new RestPagination { Type = "nextLink", Path = "$.next" } };
        var fetcher = Fetcher(server, new RecordedTime(), new RestFetchOptions { MaxPages = 3 });

        var error = await Assert.ThrowsAsync<RestFetchException>(() => fetcher.FetchAsync(settings, null, Stream.Null, CancellationToken.None));

        Assert.Equal(3, server.Requests.Count);
        Assert.StartsWith("Stopped before page 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 3 pages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_link_to_another_origin_is_refused()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/away", Json("""{"data":[],"next":"https://elsewhere.example.com/steal"}""")));
        var settings = Plain(server, "/away") with { RecordsPath = "$.data", Pagination = new RestPagination { Type = "nextLink", Path = "$.next" } };

        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(server, new RecordedTime(), settings));

        Assert.Contains("https://elsewhere.example.com, another origin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_that_is_not_an_object_is_refused_with_its_page_url_and_index()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/mixed", ctx =>
            Json(ctx.Request.Query["page"] == "1" ? """{"data":[{"id":1},{"id":2}]}""" : """{"data":[{"id":3},42]}""")(ctx)));
        var settings = Plain(server, "/mixed") with { RecordsPath = "$.data", Pagination = new RestPagination { Type = "page", Param = "page", SizeParam = "per_page", Size = 2 } };
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<RestFetchException>(() => Fetcher(server, new RecordedTime()).FetchAsync(settings, null, output, CancellationToken.None));

        Assert.Equal($"Page 2 ({server.Url("/mixed")}?page=2&per_page=2): the record at index 1 of $.data is a number, not an object. Every record must be a JSON object.", error.Message);
        Assert.Equal("{\"id\":1}\n{\"id\":2}\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task A_secret_never_appears_in_an_exception_message()
    {
        // The server echoes whatever credentials it gets, in a 401 and in persistent 500s.
        await using var server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/echo401", async ctx =>
            {
                ctx.Response.StatusCode = 401;
                await ctx.Response.WriteAsync($"bad credentials '{ctx.Request.Headers.Authorization}', token {ctx.Request.Headers.Authorization.ToString()[7..]}");
            });
            app.MapGet("/echo500", async ctx =>
            {
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsync(new string('.', 495) + ctx.Request.Headers.Authorization);
            });
        }, checkAuthorization: false);
        var secrets = FixedSecrets.Of(new() { ["crm-token"] = "Bearer wrong-value-123" });
        var fetcher = new RestFetcher(server.ClientFor(new RecordedTime()), secrets);
        var messages = new List<string>();

        foreach (var path in new[] { "/echo401", "/echo500" })
        {
            var error = await Assert.ThrowsAsync<RestFetchException>(() => fetcher.FetchAsync(Plain(server, path), null, Stream.Null, CancellationToken.None));
            messages.Add(error.ToString());
        }

        var missing = await Assert.ThrowsAsync<SecretException>(() => fetcher.FetchAsync(Plain(server, "/echo401") with { Headers = new Dictionary<string, string> { ["X-Api-Key"] = "secret:nope" } }, null, Stream.Null, CancellationToken.None));
        messages.Add(missing.ToString());

        Assert.Contains("bad credentials '***', token ***", messages[0], StringComparison.Ordinal);
        Assert.Contains("after 5 attempts", messages[1], StringComparison.Ordinal);
        Assert.Contains("'nope'", messages[2], StringComparison.Ordinal);
        Assert.All(messages, m => Assert.DoesNotContain("wrong-value-123", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_pagination_one_request_reads_the_records_at_the_path_or_the_one_object()
    {
        await using var server = await TestServer.StartAsync(app =>
        {
            app.MapGet("/one", Json("""{"result":{"id":7,"name":"only"}}"""));
            app.MapGet("/each", Json("""{"result":{"items":[{"id":1},{"id":2}]}}"""));
        });

        var (one, oneLines) = await FetchAsync(server, new RecordedTime(), Plain(server, "/one") with { RecordsPath = "$.result" });
        var (each, _) = await FetchAsync(server, new RecordedTime(), Plain(server, "/each") with { RecordsPath = "$.result.items[*]" });
        var missing = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(server, new RecordedTime(), Plain(server, "/one") with { RecordsPath = "$.data" }));

        Assert.Equal(new RestFetchResult(1, 1, null), one);
        Assert.Equal(7, oneLines[0].GetProperty("id").GetInt32());
        Assert.Equal(new RestFetchResult(2, 1, null), each);
        Assert.Contains("has nothing at recordsPath $.data", missing.Message, StringComparison.Ordinal);
    }

    private static RestSettings Plain(TestServer server, string path) => new()
    {
        Url = server.Url(path),
        Headers = new Dictionary<string, string> { ["Authorization"] = "secret:crm-token", ["Accept"] = "application/json" },
    };

    private static RestSettings Settings(TestServer server, string mode) => Plain(server, "/records/" + mode) with
    {
        RecordsPath = "$.data",
        Pagination = mode switch
        {
            "page" => new RestPagination { Type = "page", Param = "page", SizeParam = "per_page", Size = PageSize },
            "offset" => new RestPagination { Type = "offset", Param = "offset", LimitParam = "limit", Size = PageSize },
            "nextLink" => new RestPagination { Type = "nextLink", Path = "$.links.next" },
            _ => new RestPagination { Type = "cursor", Param = "cursor", Path = "$.next_cursor" },
        },
    };

    [Fact]
    public async Task A_server_that_echoes_the_credentials_finds_them_masked_in_the_records()
    {
        await using var server = await TestServer.StartAsync(app => app.MapGet("/echo", async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            var auth = ctx.Request.Headers.Authorization.ToString();
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { data = new[] { new { id = 1, seen = auth, token = auth["Bearer ".Length..] } } }));
        }));
        var settings = new RestSettings
        {
            Url = server.Url("/echo"), RecordsPath = "$.data", Headers = new Dictionary<string, string> { ["Authorization"] = "secret:crm-token" },
        };

        var (_, lines) = await FetchAsync(server, new RecordedTime(), settings);

        var record = Assert.Single(lines);
        Assert.Equal(("***", "***"), (record.GetProperty("seen").GetString(), record.GetProperty("token").GetString()));
    }

    [Fact]
    public async Task A_source_pointed_at_the_cloud_metadata_address_fails_at_once_without_a_request()
    {
        // Even a policy that allows every private range never reaches a metadata endpoint.
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse("169.254.0.0/16, 10.0.0.0/8")), new RecordedTime());
        var fetcher = new RestFetcher(http, FixedSecrets.Of([]));
        var settings = new RestSettings { Url = "http://169.254.169.254/metadata/identity/oauth2/token", Headers = new Dictionary<string, string> { ["Metadata"] = "true" } };

        var error = await Assert.ThrowsAsync<RestFetchException>(() => fetcher.FetchAsync(settings, null, Stream.Null, CancellationToken.None));

        Assert.StartsWith("Page 1 (http://169.254.169.254/metadata/identity/oauth2/token) was not requested: 169.254.169.254 is a cloud metadata endpoint", error.Message, StringComparison.Ordinal);
    }

    private static RestFetcher Fetcher(TestServer server, RecordedTime time, RestFetchOptions? options = null) =>
        new(server.ClientFor(time), FixedSecrets.Of(new() { ["crm-token"] = Token }), options ?? new RestFetchOptions
        {
            // Each hang costs one timeout of real time; 1.5 s keeps a slow first request on a busy machine from
            // passing for a hang.
            RequestTimeout = TimeSpan.FromSeconds(1.5),
        });

    private static async Task<(RestFetchResult Result, List<JsonElement> Lines)> FetchAsync(TestServer server, RecordedTime time, RestSettings settings, string? cursor = null)
    {
        Assert.Null(settings.Validate());
        using var output = new MemoryStream();
        var result = await Fetcher(server, time).FetchAsync(settings, cursor, output, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        return (result, lines);
    }

    private static RequestDelegate Json(string json) => async ctx =>
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    };

    /// <summary>The four paging styles over one record store, 50 records a page, filtered by <c>updated_since</c>.</summary>
    private static void MapRecords(WebApplication app, RecordStore store)
    {
        app.MapGet("/records/page", ctx =>
        {
            var page = Int(ctx, "page");
            var size = Int(ctx, "per_page");
            return Page(ctx, store.Since(ctx.Request.Query["updated_since"]).Skip((page - 1) * size).Take(size), new JsonObject());
        });
        app.MapGet("/records/offset", ctx =>
            Page(ctx, store.Since(ctx.Request.Query["updated_since"]).Skip(Int(ctx, "offset")).Take(Int(ctx, "limit")), new JsonObject()));
        app.MapGet("/records/nextLink", ctx =>
        {
            var after = ctx.Request.Query.ContainsKey("after") ? Int(ctx, "after") : 0;
            var records = store.Since(ctx.Request.Query["updated_since"]).Where(r => (int)r["id"]! > after).ToList();
            var page = records.Take(PageSize).ToList();
            var body = new JsonObject { ["links"] = new JsonObject { ["next"] = records.Count > PageSize ? $"nextLink?after={(int)page[^1]["id"]!}" : null } };
            return Page(ctx, page, body);
        });
        app.MapGet("/records/cursor", ctx =>
        {
            var after = ctx.Request.Query.ContainsKey("cursor") ? int.Parse(ctx.Request.Query["cursor"].ToString()[1..], CultureInfo.InvariantCulture) : 0;
            var records = store.Since(ctx.Request.Query["updated_since"]).Where(r => (int)r["id"]! > after).ToList();
            var page = records.Take(PageSize).ToList();
            return Page(ctx, page, new JsonObject { ["next_cursor"] = records.Count > PageSize ? $"c{(int)page[^1]["id"]!}" : "" });
        });
    }

    private static int Int(HttpContext ctx, string name) => int.Parse(ctx.Request.Query[name].ToString(), CultureInfo.InvariantCulture);

    private static Task Page(HttpContext ctx, IEnumerable<JsonObject> records, JsonObject body)
    {
        body["data"] = new JsonArray([.. records.Select(r => r.DeepClone())]);
        return Json(body.ToJsonString())(ctx);
    }

    /// <summary>Records with ids from 1 and <c>updated_at</c> a minute apart, which tests can touch and add to.</summary>
    private sealed class RecordStore
    {
        private int _clock;

        public RecordStore(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Add();
            }
        }

        public List<JsonObject> Records { get; } = [];

        public static string Stamp(int minute) => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minute).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        public void Add()
        {
            lock (Records)
            {
                Records.Add(new JsonObject { ["id"] = Records.Count + 1, ["name"] = $"record {Records.Count + 1}", ["updated_at"] = Stamp(++_clock) });
            }
        }

        public void Touch(params int[] ids)
        {
            foreach (var id in ids)
            {
                Records[id - 1]["updated_at"] = Stamp(++_clock);
            }
        }

        public List<JsonObject> Since(string? since)
        {
            lock (Records)
            {
                return [.. Records.Where(r => since is null || string.CompareOrdinal((string)r["updated_at"]!, since) > 0)];
            }
        }
    }

    /// <summary>An in-memory secret store.</summary>

    /// <summary>
    /// Kestrel on 127.0.0.1 and a free port. It records each request; every request must carry the resolved token.
    /// When flaky, the first attempt at the 2nd, 3rd, 4th and 5th distinct URL fails: a 500, a 429 with
    /// <c>Retry-After: 2</c>, a dropped connection, and a hang.
    /// </summary>
    private sealed class TestServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _base;

        private TestServer(WebApplication app, string address)
        {
            _app = app;
            _base = address;
        }

        private List<HttpClient> Clients { get; } = [];

        public ConcurrentQueue<string> Requests { get; } = new();

        public List<string> Failures { get; } = [];

        public string Url(string path) => _base + path;

        /// <summary>A sources client whose retry waits run on <paramref name="time"/>.</summary>
        public HttpClient ClientFor(RecordedTime time)
        {
            var client = SourceHttp.CreateClient(LoopbackPolicy.Instance, time);
            Clients.Add(client);
            return client;
        }

        public static async Task<TestServer> StartAsync(Action<WebApplication> map, bool flaky = false, bool checkAuthorization = true)
        {
            var app = LocalWebApp.Create();
            TestServer? server = null;
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            app.Use(async (ctx, next) =>
            {
                var url = ctx.Request.Path + ctx.Request.QueryString;
                server!.Requests.Enqueue(url);
                if (checkAuthorization && ctx.Request.Headers.Authorization != Token)
                {
                    ctx.Response.StatusCode = 401;
                    return;
                }

                int index;
                bool first;
                lock (seen)
                {
                    first = !seen.ContainsKey(url);
                    if (first)
                    {
                        seen[url] = seen.Count;
                    }

                    index = seen[url];
                }

                if (flaky && first && index is >= 1 and <= 4)
                {
                    lock (server.Failures)
                    {
                        server.Failures.Add(index switch { 1 => "500", 2 => "429", 3 => "drop", _ => "hang" });
                    }

                    switch (index)
                    {
                        case 1:
                            ctx.Response.StatusCode = 500;
                            return;
                        case 2:
                            ctx.Response.StatusCode = 429;
                            ctx.Response.Headers.RetryAfter = "2";
                            return;
                        case 3:
                            ctx.Abort();
                            return;
                        default:
                            await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                            return;
                    }
                }

                await next(ctx);
            });
            map(app);
            await app.StartAsync();
            server = new TestServer(app, LocalWebApp.BaseUrl(app));
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            Clients.ForEach(c => c.Dispose());
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
