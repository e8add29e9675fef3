using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Diviora.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Diviora.Tests.Access;

/// <summary>
/// What an Editor can make the Api send, tried through its own endpoints: secrets go only to their hosts, a source test
/// reaches no private address the operator did not allow, and a refused request stores nothing and reaches no server.
/// </summary>
[Trait("Category", "Platform")]
public sealed class SecretBindingApiTests(InProcessApi api) : IClassFixture<InProcessApi>
{
    private static readonly string[] ExampleHost = ["api.example.com"];

    [Theory]
    [InlineData("https://api.example.com", 0)]
    [InlineData("*.example.com", 0)]
    [InlineData("api.example.com/v1", 1)]
    public async Task A_bad_allowed_host_is_a_400_naming_it_and_stores_nothing(string bad, int index)
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));
        string[] hosts = index == 0 ? [bad] : ["api.example.com", bad];

        using var put = await editor.PutAsJsonAsync("/api/secrets/bad-hosts-token", new { value = "v-0d1e", allowedHosts = hosts });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith($"allowedHosts[{index}] '{bad}' is not a host name or address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var listed = await editor.GetFromJsonAsync<JsonElement>("/api/secrets");
        Assert.DoesNotContain(listed.EnumerateArray(), s => s.GetProperty("name").GetString() == "bad-hosts-token");
    }

    [Fact]
    public async Task A_source_test_sends_a_secret_only_to_its_hosts_and_reaches_no_private_address_not_allowed()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));
        var requests = new ConcurrentQueue<string>();
        await using var allowed = await StartAsync("127.0.0.1", requests);
        await using var other = await StartAsync("127.0.0.2", requests);
        var port = new Uri(LocalWebApp.BaseUrl(allowed)).Port;
        (await editor.PutAsJsonAsync("/api/secrets/bound-elsewhere", new { value = "Bearer tok-5e1a", allowedHosts = ExampleHost })).Dispose();
        (await editor.PutAsJsonAsync("/api/secrets/bound-here", new { value = "Bearer tok-5e1a", allowedHosts = new[] { $"127.0.0.1:{port}", "API.Example.com." } })).Dispose();

        var elsewhere = await TestAsync(editor, LocalWebApp.BaseUrl(allowed), "secret:bound-elsewhere");
        var privateAddress = await TestAsync(editor, LocalWebApp.BaseUrl(other), null);
        var metadata = await TestAsync(editor, "http://169.254.169.254", null);
        Assert.Empty(requests);
        var here = await TestAsync(editor, LocalWebApp.BaseUrl(allowed), "secret:bound-here");
        var listed = await editor.GetFromJsonAsync<JsonElement>("/api/secrets");

        Assert.False(elsewhere.GetProperty("ok").GetBoolean());
        Assert.Contains($"The secret 'bound-elsewhere' in rest.headers['Authorization'] is bound to api.example.com; it is not sent to 127.0.0.1:{port}", elsewhere.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(privateAddress.GetProperty("ok").GetBoolean());
        Assert.Contains("is a loopback address", privateAddress.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Diviora:Sources:AllowPrivateEndpoints", privateAddress.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(metadata.GetProperty("ok").GetBoolean());
        Assert.Contains("cloud metadata endpoint", metadata.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(here.GetProperty("ok").GetBoolean(), here.ToString());
        Assert.Equal(["/records Bearer tok-5e1a"], requests);
        var bound = Assert.Single(listed.EnumerateArray(), s => s.GetProperty("name").GetString() == "bound-here");
        Assert.Equal([$"127.0.0.1:{port}", "api.example.com"], bound.GetProperty("allowedHosts").EnumerateArray().Select(h => h.GetString()));
        Assert.All(new[] { elsewhere, privateAddress, here, listed }, body => Assert.DoesNotContain("tok-5e1a", body.GetRawText(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.2:9/x", "127.0.0.2 port 9 is a loopback address")]
    [InlineData("http://0x7f000002:9/x", "is a loopback address")]
    [InlineData("http://[::1]:9/x", "is a loopback address")]
    [InlineData("http://[::ffff:10.1.2.3]/x", "is a private address (RFC 1918)")]
    [InlineData("http://169.254.169.254/metadata", "is a cloud metadata endpoint")]
    [InlineData("http://2852039166/metadata", "is a cloud metadata endpoint")]
    public async Task A_source_written_with_a_refused_address_is_a_400_and_is_not_stored(string url, string why)
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));
        var name = "reach-" + Guid.NewGuid().ToString("N")[..8];

        using var created = await editor.PostAsJsonAsync("/api/sources", new { name, kind = "rest", dataset = "reach", rest = new { url } });
        using var found = await editor.GetAsync(new Uri($"/api/sources/{name}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        var detail = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.StartsWith("rest.url: ", detail, StringComparison.Ordinal);
        Assert.Contains(why, detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, found.StatusCode);
    }

    [Fact]
    public async Task A_source_written_with_an_allowed_address_is_saved()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));

        using var created = await editor.PostAsJsonAsync("/api/sources", new { name = "reach-allowed", kind = "rest", dataset = "reach", rest = new { url = "http://127.0.0.1:9/x" } });
        using var named = await editor.PostAsJsonAsync("/api/sources", new { name = "reach-named", kind = "rest", dataset = "reach", rest = new { url = "https://api.example.com/x" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
    }

    private static async Task<JsonElement> TestAsync(HttpClient editor, string baseUrl, string? authorization)
    {
        var rest = authorization is null
            ? (object)new { url = baseUrl + "/records", recordsPath = "$.data" }
            : new { url = baseUrl + "/records", recordsPath = "$.data", headers = new Dictionary<string, string> { ["Authorization"] = authorization } };
        using var response = await editor.PostAsJsonAsync("/api/sources/test", new { kind = "rest", dataset = "bound", rest });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<WebApplication> StartAsync(string address, ConcurrentQueue<string> requests)
    {
        var app = LocalWebApp.Create(address);
        app.MapGet("/records", (HttpContext ctx) =>
        {
            requests.Enqueue($"/records {ctx.Request.Headers.Authorization}");
            return Results.Text("""{"data":[{"id":1}]}""", "application/json");
        });
        await app.StartAsync();
        return app;
    }
}
