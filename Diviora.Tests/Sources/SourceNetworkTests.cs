using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Diviora.Core.Sources.Network;
using Diviora.Core.Sources.Rest;
using Diviora.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Diviora.Tests.Sources;

/// <summary>
/// Attacks on the network policy and on secret binding, tried against servers on 127.0.0.1 that record every request
/// they get: a server that must receive none receives none, and the same server, allowed, answers (the positive control).
/// </summary>
[Trait("Category", "Platform")]
public sealed class SourceNetworkTests
{
    private const string Token = "Bearer tok-7c1d";

    [Fact]
    public async Task A_server_on_loopback_receives_no_request_in_any_spelling_until_its_endpoint_is_allowed()
    {
        await using var server = await RecordingServer.StartAsync();
        var port = server.Port;
        string[] spellings =
        [
            $"http://127.0.0.1:{port}/records", $"http://127.1:{port}/records", $"http://2130706433:{port}/records",
            $"http://0x7f000001:{port}/records", $"http://0177.0.0.1:{port}/records", $"http://[::ffff:127.0.0.1]:{port}/records",
            $"http://localhost:{port}/records", $"http://localhost.:{port}/records", $"http://LocalHost:{port}/records",
        ];

        using var publicOnly = SourceHttp.CreateClient(SourceNetworkPolicy.PublicOnly);
        foreach (var url in spellings)
        {
            var error = await Assert.ThrowsAsync<RestFetchException>(() => Fetcher(publicOnly).FetchAsync(Plain(url), null, Stream.Null, CancellationToken.None));
            Assert.Contains("was not requested", error.Message, StringComparison.Ordinal);
            Assert.Contains("a loopback address", error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(server.Requests);

        using var allowed = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{port}")));
        var result = await Fetcher(allowed).FetchAsync(Plain($"http://127.0.0.1:{port}/records"), null, Stream.Null, CancellationToken.None);
        Assert.Equal(2, result.Records);
        var viaName = await Fetcher(allowed).FetchAsync(Plain($"http://localhost:{port}/records"), null, Stream.Null, CancellationToken.None);
        Assert.Equal(2, viaName.Records);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_endpoint_to_another_is_checked_like_the_first_request()
    {
        await using var target = await RecordingServer.StartAsync();
        await using var allowed = await RecordingServer.StartAsync(app =>
            app.MapGet("/jump", () => Results.Redirect($"http://127.0.0.1:{target.Port}/records")));
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{allowed.Port}")));

        var error = await Assert.ThrowsAsync<RestFetchException>(() => Fetcher(http).FetchAsync(Plain(allowed.Url("/jump")), null, Stream.Null, CancellationToken.None));

        Assert.Contains("was not requested", error.Message, StringComparison.Ordinal);
        Assert.Contains($"port {target.Port} is a loopback address", error.Message, StringComparison.Ordinal);
        Assert.Single(allowed.Requests);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Headers_follow_a_redirect_on_the_same_origin_and_never_one_to_another_origin()
    {
        await using var other = await RecordingServer.StartAsync();
        await using var origin = await RecordingServer.StartAsync(app =>
        {
            app.MapGet("/moved", () => Results.Redirect("/records", permanent: true));
            app.MapGet("/away", () => Results.Redirect($"http://127.0.0.1:{other.Port}/records"));
        });
        var secrets = new MemorySecretStore();
        Assert.True(SecretHosts.TryParse(["127.0.0.1"], out var hosts, out _));
        await secrets.SetAsync("crm-token", Token, hosts, "test", CancellationToken.None);
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse("127.0.0.1")));
        var fetcher = new RestFetcher(http, secrets);

        await fetcher.FetchAsync(WithToken(origin.Url("/moved")), null, Stream.Null, CancellationToken.None);
        await fetcher.FetchAsync(WithToken(origin.Url("/away")), null, Stream.Null, CancellationToken.None);

        Assert.Equal([("/moved", Token), ("/records", Token), ("/away", Token)], origin.Requests.ToArray());
        Assert.Equal([("/records", "")], other.Requests.ToArray());
    }

    [Fact]
    public async Task More_than_five_redirects_stop_the_fetch()
    {
        await using var server = await RecordingServer.StartAsync(app =>
            app.MapGet("/hop/{n:int}", (int n) => Results.Redirect($"/hop/{n + 1}")));
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{server.Port}")));

        var error = await Assert.ThrowsAsync<RestFetchException>(() => Fetcher(http).FetchAsync(Plain(server.Url("/hop/0")), null, Stream.Null, CancellationToken.None));

        Assert.Contains("redirects more than 5 times", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public async Task A_secret_bound_elsewhere_or_to_no_host_is_not_sent_and_the_server_hears_nothing()
    {
        await using var server = await RecordingServer.StartAsync();
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{server.Port}")));
        var secrets = new MemorySecretStore();
        Assert.True(SecretHosts.TryParse(["api.example.com", $"127.0.0.1:{server.Port + 1}"], out var elsewhere, out _));
        await secrets.SetAsync("bound-elsewhere", Token, elsewhere, "test", CancellationToken.None);
        await secrets.SetAsync("bound-nowhere", Token, SecretHosts.None, "test", CancellationToken.None);
        Assert.True(SecretHosts.TryParse([$"127.0.0.1:{server.Port}"], out var here, out _));
        await secrets.SetAsync("bound-here", Token, here, "test", CancellationToken.None);
        var fetcher = new RestFetcher(http, secrets);

        var other = await Assert.ThrowsAsync<SecretException>(() => fetcher.FetchAsync(WithToken(server.Url("/records"), "secret:bound-elsewhere"), null, Stream.Null, CancellationToken.None));
        var none = await Assert.ThrowsAsync<SecretException>(() => fetcher.FetchAsync(WithToken(server.Url("/records"), "secret:bound-nowhere"), null, Stream.Null, CancellationToken.None));
        Assert.Empty(server.Requests);
        await fetcher.FetchAsync(WithToken(server.Url("/records"), "secret:bound-here"), null, Stream.Null, CancellationToken.None);

        Assert.Contains($"'bound-elsewhere' in rest.headers['Authorization'] is bound to api.example.com, 127.0.0.1:{server.Port + 1}; it is not sent to 127.0.0.1:{server.Port}", other.Message, StringComparison.Ordinal);
        Assert.Contains("'bound-nowhere' in rest.headers['Authorization'] is bound to no host", none.Message, StringComparison.Ordinal);
        Assert.All(new[] { other.Message, none.Message }, m => Assert.DoesNotContain("tok-7c1d", m, StringComparison.Ordinal));
        Assert.Equal([("/records", Token)], server.Requests.ToArray());
    }

    [Fact]
    public async Task A_response_or_a_run_past_its_limit_fails_with_the_setting_named()
    {
        await using var server = await RecordingServer.StartAsync(app =>
        {
            app.MapGet("/big", () => Results.Text("{\"data\":[" + string.Join(',', Enumerable.Repeat("{\"v\":\"" + new string('x', 1000) + "\"}", 200)) + "]}", "application/json"));
            app.MapGet("/chunked", async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"data\":[");
                for (var i = 0; i < 200; i++)
                {
                    await ctx.Response.WriteAsync((i > 0 ? "," : "") + "{\"v\":\"" + new string('x', 1000) + "\"}");
                }

                await ctx.Response.WriteAsync("]}");
            });
        });
        using var http = SourceHttp.CreateClient(new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{server.Port}")));
        var small = new RestFetcher(http, new MemorySecretStore(), new RestFetchOptions { MaxResponseBytes = 100_000, MaxAttempts = 1 });
        var few = new RestFetcher(http, new MemorySecretStore(), new RestFetchOptions { MaxRecords = 150, MaxAttempts = 1 });

        var sized = await Assert.ThrowsAsync<RestFetchException>(() => small.FetchAsync(Plain(server.Url("/big"), "$.data"), null, Stream.Null, CancellationToken.None));
        var streamed = await Assert.ThrowsAsync<RestFetchException>(() => small.FetchAsync(Plain(server.Url("/chunked"), "$.data"), null, Stream.Null, CancellationToken.None));
        var counted = await Assert.ThrowsAsync<RestFetchException>(() => few.FetchAsync(Plain(server.Url("/big"), "$.data"), null, Stream.Null, CancellationToken.None));

        Assert.Contains("is larger than 100,000 bytes", sized.Message, StringComparison.Ordinal);
        Assert.Contains("Diviora:Sources:MaxResponseBytes", streamed.Message, StringComparison.Ordinal);
        Assert.Contains("passed 150 records", counted.Message, StringComparison.Ordinal);
        Assert.Contains("Diviora:Sources:MaxRecordsPerRun", counted.Message, StringComparison.Ordinal);
        var enough = new RestFetcher(http, new MemorySecretStore(), new RestFetchOptions { MaxRecords = 200, MaxResponseBytes = 300_000 });
        Assert.Equal(200, (await enough.FetchAsync(Plain(server.Url("/chunked"), "$.data"), null, Stream.Null, CancellationToken.None)).Records);
    }

    [Fact]
    public async Task A_database_server_on_a_refused_address_is_never_contacted_and_an_allowed_one_is()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var secrets = FixedSecrets.Of(new() { ["erp-db"] = $"Host=127.0.0.1;Port={port};Username=reader;Password=pw-91f3;Database=erp;Timeout=2" });
        var settings = new DatabaseSettings { Provider = "postgres", Connection = "secret:erp-db", Query = "select 1" };

        var refused = await Assert.ThrowsAsync<DatabaseFetchException>(() =>
            new DatabaseFetcher(secrets, SourceNetworkPolicy.PublicOnly).FetchAsync(settings, null, Stream.Null, CancellationToken.None));
        await Task.Delay(200);
        Assert.False(listener.Pending());

        Assert.Contains("was not contacted", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"port {port} is a loopback address", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-91f3", refused.Message, StringComparison.Ordinal);

        // Allowed, the fetcher does connect (the listener is no PostgreSQL, so the fetch then fails for that reason).
        var allowed = new DatabaseFetcher(secrets, new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{port}")), new DatabaseFetchOptions { ConnectTimeout = TimeSpan.FromSeconds(2) });
        var fetch = allowed.FetchAsync(settings, null, Stream.Null, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        accepted.Close();
        await Assert.ThrowsAsync<DatabaseFetchException>(() => fetch);
    }

    [Fact]
    public async Task A_connection_string_secret_goes_only_to_the_server_it_is_bound_to()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var secrets = new MemorySecretStore();
        Assert.True(SecretHosts.TryParse(["db.example.com:5432"], out var hosts, out _));
        await secrets.SetAsync("erp-db", $"Host=127.0.0.1;Port={port};Username=reader;Password=pw-91f3;Database=erp", hosts, "test", CancellationToken.None);
        var fetcher = new DatabaseFetcher(secrets, new SourceNetworkPolicy(PrivateEndpoints.Parse($"127.0.0.1:{port}")));

        var error = await Assert.ThrowsAsync<SecretException>(() => fetcher.FetchAsync(
            new DatabaseSettings { Provider = "postgres", Connection = "secret:erp-db", Query = "select 1" }, null, Stream.Null, CancellationToken.None));
        await Task.Delay(200);

        Assert.False(listener.Pending());
        Assert.Contains($"'erp-db' in database.connection is bound to db.example.com:5432; it is not sent to 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-91f3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres", "Host=localhost;Port={0};Username=reader;Password=pw-91f3;Database=erp;Timeout=2")]
    [InlineData("postgres", "Host=LOCALHOST.:{0};Username=reader;Password=pw-91f3;Database=erp;Timeout=2")]
    [InlineData("postgres", "Host=127.0.0.3:1,localhost:{0};Username=reader;Password=pw-91f3;Database=erp;Timeout=2")]
    [InlineData("postgres", "Host=localhost:1,127.0.0.1:{0};Username=reader;Password=pw-91f3;Database=erp;Timeout=2")]
    [InlineData("sqlserver", "Server=tcp:localhost,{0};User ID=reader;Password=pw-91f3;Encrypt=False;Connect Retry Count=0")]
    public async Task A_database_server_named_localhost_is_checked_like_any_other_and_so_is_every_host_after_it(string provider, string connection)
    {
        // A secret bound to localhost (as a SQLite file's is) must not open the policy for a server of that name.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var secrets = new MemorySecretStore();
        Assert.True(SecretHosts.TryParse(["localhost", "127.0.0.1", "127.0.0.3"], out var hosts, out _));
        await secrets.SetAsync("erp-db", string.Format(System.Globalization.CultureInfo.InvariantCulture, connection, port), hosts, "test", CancellationToken.None);
        var fetcher = new DatabaseFetcher(secrets, SourceNetworkPolicy.PublicOnly, new DatabaseFetchOptions { ConnectTimeout = TimeSpan.FromSeconds(2) });

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() =>
            fetcher.FetchAsync(new DatabaseSettings { Provider = provider, Connection = "secret:erp-db", Query = "select 1" }, null, Stream.Null, CancellationToken.None));
        await Task.Delay(200);

        Assert.False(listener.Pending());
        Assert.Contains("server was not contacted", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-91f3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sql_server_source_reaches_only_servers_the_operator_lists_since_sql_server_can_route_a_login_elsewhere()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var secrets = FixedSecrets.Of(new() { ["erp-db"] = $"Server=tcp:127.0.0.1,{port};User ID=reader;Password=pw-91f3;Encrypt=False;Connect Retry Count=0" });
        var settings = new DatabaseSettings { Provider = "sqlserver", Connection = "secret:erp-db", Query = "select 1" };
        var options = new DatabaseFetchOptions { ConnectTimeout = TimeSpan.FromSeconds(2) };

        // The address is allowed for sources, but the server is not listed as a SQL Server endpoint.
        var unlisted = new DatabaseFetcher(secrets, new SourceNetworkPolicy(PrivateEndpoints.Parse("127.0.0.1")), options);
        var refused = await Assert.ThrowsAsync<DatabaseFetchException>(() => unlisted.FetchAsync(settings, null, Stream.Null, CancellationToken.None));
        await Task.Delay(200);
        Assert.False(listener.Pending());
        Assert.Contains("Diviora:Sources:SqlServerEndpoints", refused.Message, StringComparison.Ordinal);

        var listed = new DatabaseFetcher(secrets, new SourceNetworkPolicy(PrivateEndpoints.Parse("127.0.0.1"), PrivateEndpoints.Parse($"127.0.0.1:{port}")), options);
        var fetch = listed.FetchAsync(settings, null, Stream.Null, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        accepted.Close();
        await Assert.ThrowsAsync<DatabaseFetchException>(() => fetch);
    }

    private static RestFetcher Fetcher(HttpClient http) =>
        new(http, FixedSecrets.Of(new() { ["crm-token"] = Token }), new RestFetchOptions { MaxAttempts = 1 });

    private static RestSettings Plain(string url, string recordsPath = "$.data") => new() { Url = url, RecordsPath = recordsPath };

    private static RestSettings WithToken(string url, string value = "secret:crm-token") =>
        Plain(url) with { Headers = new Dictionary<string, string> { ["Authorization"] = value } };

    /// <summary>A local API that records each request's path and Authorization header; <c>/records</c> answers two records.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RecordingServer(WebApplication app) => _app = app;

        public ConcurrentQueue<(string Path, string Authorization)> Requests { get; } = new();

        public int Port => new Uri(LocalWebApp.BaseUrl(_app)).Port;

        public string Url(string path) => LocalWebApp.BaseUrl(_app) + path;

        public static async Task<RecordingServer> StartAsync(Action<WebApplication>? map = null)
        {
            var app = LocalWebApp.Create();
            var server = new RecordingServer(app);
            app.Use(async (ctx, next) =>
            {
                server.Requests.Enqueue((ctx.Request.Path.Value ?? "", ctx.Request.Headers.Authorization.ToString()));
                await next(ctx);
            });
            app.MapGet("/records", () => Results.Text("""{"data":[{"id":1},{"id":2}]}""", "application/json", Encoding.UTF8));
            map?.Invoke(app);
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
