using System.Collections.Concurrent;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Network;
using Diviora.Core.Sources.Rest;
using Diviora.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Sources;

/// <summary>
/// The sources client's resilience handler, through the REST fetcher, against a server on 127.0.0.1 that answers each call
/// as the test says. Waits are recorded, not slept; time-outs run on the wall clock.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SourceHttpTests
{
    private const string Records = """[{"id":1},{"id":2}]""";

    [Fact]
    public async Task A_503_then_a_200_is_retried_and_the_page_is_read()
    {
        await using var server = await ScriptedServer.StartAsync((call, ctx) => call == 1 ? Status(ctx, 503) : Json(ctx, Records));
        var time = new RecordedTime();
        using var http = SourceHttp.CreateClient(LoopbackPolicy.Instance, time);

        var result = await FetchAsync(http, server);

        Assert.Equal(2, result.Records);
        Assert.Equal(2, server.Calls);
        var wait = Assert.Single(time.Waits);
        Assert.InRange(wait, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Retry_After_in_seconds_is_the_wait_before_the_next_attempt()
    {
        await using var server = await ScriptedServer.StartAsync((call, ctx) =>
        {
            if (call > 1)
            {
                return Json(ctx, Records);
            }

            ctx.Response.Headers.RetryAfter = "3";
            return Status(ctx, 429);
        });
        var time = new RecordedTime();
        using var http = SourceHttp.CreateClient(LoopbackPolicy.Instance, time);

        var result = await FetchAsync(http, server);

        Assert.Equal(2, result.Records);
        Assert.Equal([TimeSpan.FromSeconds(3)], time.Waits);
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var server = await ScriptedServer.StartAsync((_, ctx) => Status(ctx, 400));
        var time = new RecordedTime();
        using var http = SourceHttp.CreateClient(LoopbackPolicy.Instance, time);

        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(http, server));

        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith($"Page 1 ({server.Url}) failed with HTTP 400 Bad Request", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Calls);
        Assert.Empty(time.Waits);
    }

    [Fact]
    public async Task The_factory_client_refuses_an_address_the_policy_does_not_allow_and_sends_nothing()
    {
        await using var server = await ScriptedServer.StartAsync((_, ctx) => Json(ctx, Records));
        using var provider = Container(SourceNetworkPolicy.PublicOnly);
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SourceHttp.ClientName);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.Url));

        var refused = Assert.IsType<SourceAddressRefusedException>(error.InnerException);
        Assert.Contains("is a loopback address", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Calls);
    }

    [Fact]
    public async Task A_resilience_handler_the_host_gives_every_client_adds_no_retries_to_the_sources_client()
    {
        await using var server = await ScriptedServer.StartAsync((_, ctx) => Status(ctx, 500));
        using var provider = Container(LoopbackPolicy.Instance, services => services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler()));
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SourceHttp.ClientName);
        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(http, server, new RestFetchOptions { MaxAttempts = 3 }));

        Assert.StartsWith($"Gave up on page 1 ({server.Url}) after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task A_page_that_streams_for_longer_than_the_request_time_outs_is_read_whole()
    {
        // The time-outs of the pipeline end at the response's headers; the body has ReadTimeout of its own. The first call
        // warms the server and the client, so that the second's headers come at once.
        await using var server = await ScriptedServer.StartAsync(async (call, ctx) =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("[");
            for (var i = 1; i <= 4; i++)
            {
                await ctx.Response.Body.FlushAsync();
                await Task.Delay(call == 1 ? 0 : 400);
                await ctx.Response.WriteAsync((i > 1 ? "," : "") + $$"""{"id":{{i}}}""");
            }

            await ctx.Response.WriteAsync("]");
        });
        using var http = SourceHttp.CreateClient(LoopbackPolicy.Instance);
        await FetchAsync(http, server);
        var result = await FetchAsync(http, server, new RestFetchOptions { RequestTimeout = TimeSpan.FromMilliseconds(500), TotalTimeout = TimeSpan.FromMilliseconds(700) });

        Assert.Equal(4, result.Records);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task A_body_that_stalls_past_the_read_timeout_fails_naming_the_setting()
    {
        await using var server = await ScriptedServer.StartAsync(async (_, ctx) =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("[{\"id\":1},");
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var http = SourceHttp.CreateClient(LoopbackPolicy.Instance);
        var error = await Assert.ThrowsAsync<RestFetchException>(() => FetchAsync(http, server, new RestFetchOptions { ReadTimeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal($"Page 1 ({server.Url}) was not read within 0.3 s (ReadTimeout).", error.Message);
        Assert.Equal(1, server.Calls);
    }

    private static ServiceProvider Container(SourceNetworkPolicy policy, Action<IServiceCollection>? host = null)
    {
        var services = new ServiceCollection();
        host?.Invoke(services);
        services.AddSingleton(policy);
        services.AddSingleton(new RecordedTime() as TimeProvider);
        services.AddSourceHttp();
        return services.BuildServiceProvider();
    }

    /// <summary>Fetches the server's <c>/records</c>, an array of records, through <paramref name="http"/>.</summary>
    private static Task<RestFetchResult> FetchAsync(HttpClient http, ScriptedServer server, RestFetchOptions? options = null) =>
        new RestFetcher(http, FixedSecrets.Of([]), options).FetchAsync(new RestSettings { Url = server.Url }, null, Stream.Null, CancellationToken.None);

    private static Task Status(HttpContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static Task Json(HttpContext ctx, string json)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(json);
    }

    /// <summary>Kestrel on 127.0.0.1 answering every call to <c>/records</c> by the script, which is told the call's number from 1.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<string> _calls = new();

        private ScriptedServer(WebApplication app) => _app = app;

        public string Url => LocalWebApp.BaseUrl(_app) + "/records";

        public int Calls => _calls.Count;

        public static async Task<ScriptedServer> StartAsync(Func<int, HttpContext, Task> script)
        {
            var app = LocalWebApp.Create();
            var server = new ScriptedServer(app);
            app.MapGet("/records", ctx =>
            {
                server._calls.Enqueue(ctx.Request.Path);
                return script(server._calls.Count, ctx);
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
