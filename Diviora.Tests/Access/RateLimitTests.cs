using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Access;

/// <summary>
/// Per-caller rate limits on the real Api: the request past a caller's limit gets 429 with Retry-After and a problem
/// detail, other callers go on, and health probes are never limited. Each test is a caller of its own.
/// </summary>
[Trait("Category", "Platform")]
public sealed class RateLimitTests(RateLimitedApi api) : IClassFixture<RateLimitedApi>
{
    [Fact]
    public async Task The_request_past_the_limit_gets_429_with_retry_after_and_a_problem_detail()
    {
        using var reader = api.Client(api.Issuer.Token(["Reader"], oid: NewCaller()));

        for (var i = 1; i <= 5; i++)
        {
            using var allowed = await reader.GetAsync(new Uri("/api/datasets", UriKind.Relative));
            Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"request {i} answered {(int)allowed.StatusCode}");
        }

        using var refused = await reader.GetAsync(new Uri("/api/datasets", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(13));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(
            "Too many requests from you: the Api takes 5 a minute from each user, of which 2 may be changes (routes that need an Editor " +
            $"or Admin) and 1 source tests. Try again in {retryAfter.Value.TotalSeconds} s.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Another_user_is_not_limited_by_the_first()
    {
        using var first = api.Client(api.Issuer.Token(["Reader"], oid: NewCaller()));
        using var second = api.Client(api.Issuer.Token(["Reader"], oid: NewCaller()));
        for (var i = 0; i < 6; i++)
        {
            (await first.GetAsync(new Uri("/api/runs", UriKind.Relative))).Dispose();
        }

        using var limited = await first.GetAsync(new Uri("/api/runs", UriKind.Relative));
        using var other = await second.GetAsync(new Uri("/api/runs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Changes_have_a_smaller_limit_of_their_own_and_reads_go_on()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"], oid: NewCaller()));
        var dataset = "limits_" + Guid.NewGuid().ToString("N")[..8];

        var changes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var put = await editor.PutAsync(new Uri($"/api/datasets/{dataset}", UriKind.Relative),
                new StringContent("""{"mode":"append"}""", Encoding.UTF8, "application/json"));
            changes.Add(put.StatusCode);
        }

        using var read = await editor.GetAsync(new Uri($"/api/datasets/{dataset}", UriKind.Relative));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], changes);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Source_tests_have_their_own_limit()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"], oid: NewCaller()));
        const string Dropzone = """{"name":"limits","kind":"dropzone","dataset":"limits","dropzone":{"prefix":"limits/"}}""";

        using var first = await editor.PostAsync(new Uri("/api/sources/test", UriKind.Relative), new StringContent(Dropzone, Encoding.UTF8, "application/json"));
        using var second = await editor.PostAsync(new Uri("/api/sources/test", UriKind.Relative), new StringContent(Dropzone, Encoding.UTF8, "application/json"));

        Assert.NotEqual(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Anonymous_requests_are_limited_by_address_and_health_probes_never()
    {
        using var anonymous = api.Client();

        var probes = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var health = await anonymous.GetAsync(new Uri(i % 2 == 0 ? "/health" : "/alive", UriKind.Relative));
            probes.Add(health.StatusCode);
        }

        var calls = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var call = await anonymous.GetAsync(new Uri("/api/overview", UriKind.Relative));
            calls.Add(call.StatusCode);
        }

        Assert.All(probes, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, calls[^1]);
        Assert.All(calls[..^1], status => Assert.Equal(HttpStatusCode.Unauthorized, status));
    }

    private static string NewCaller() => Guid.NewGuid().ToString();
}
