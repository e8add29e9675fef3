using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Access;

/// <summary>
/// Who may call what, on the real Api in-process with tokens in Entra External ID's shape: every mapped endpoint is
/// found and tried anonymously and with too small a role; bad tokens of each kind are refused and named.
/// </summary>
[Trait("Category", "Platform")]
public sealed class ApiAccessTests(InProcessApi api) : IClassFixture<InProcessApi>
{
    private static readonly string[] ExampleHost = ["api.example.com"];

    /// <summary>
    /// The only routes anyone may call: probes, and in Development the OpenAPI document and the pages that read it
    /// (Scalar's page and its script under /scalar/, GraphiQL's page).
    /// </summary>
    private static readonly HashSet<string> AnonymousRoutes = ["/health", "/alive", "/openapi/{documentName}.json", "/graphql/ui"];

    /// <summary>The role matrix of docs/security.md: every write and what it needs. Every other route needs a Reader.</summary>
    private static readonly Dictionary<string, string> Writes = new()
    {
        ["POST /api/datasets/{dataset}/uploads"] = "Editor",
        ["POST /api/uploads/detect"] = "Editor",
        ["PUT /api/datasets/{dataset}"] = "Editor",
        ["POST /api/runs/{id:guid}/replay"] = "Editor",
        ["POST /api/sources/"] = "Editor",
        ["PUT /api/sources/{name}"] = "Editor",
        ["POST /api/sources/{name}/runs"] = "Editor",
        ["POST /api/sources/test"] = "Editor",
        ["DELETE /api/sources/{name}"] = "Admin",
        ["GET /api/secrets/"] = "Editor",
        ["PUT /api/secrets/{name}"] = "Editor",
        ["DELETE /api/secrets/{name}"] = "Admin",
    };

    private static readonly string[] Ranked = ["Reader", "Editor", "Admin"];

    [Fact]
    public void Only_probes_and_the_development_documentation_pages_allow_anonymous_access()
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 25, $"only {endpoints.Count} endpoints found");
        var anonymous = endpoints.Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.Route).ToHashSet();
        Assert.Subset(AnonymousRoutes, anonymous.Where(r => !r.StartsWith("/scalar/", StringComparison.Ordinal)).ToHashSet());
        Assert.Contains("/health", anonymous);
        Assert.Contains("/alive", anonymous);
    }

    [Fact]
    public void Every_endpoint_states_the_role_of_the_matrix()
    {
        foreach (var (key, endpoint) in Endpoints().Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null).Select(e => (e.Key, e.Endpoint)))
        {
            var stated = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null).ToArray();
            Assert.True(stated.Length > 0, $"{key} states no role");
            var needed = stated.MaxBy(p => Array.IndexOf(Ranked, p))!;
            Assert.Equal(Writes.GetValueOrDefault(key, "Reader"), needed);
        }
    }

    [Fact]
    public async Task Without_a_token_every_endpoint_but_the_short_list_answers_401_with_a_bearer_challenge()
    {
        using var anonymous = api.Client();
        foreach (var (key, route, method, endpoint) in Endpoints().Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(route)) { Content = BodyFor(endpoint) };
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{key} answered {(int)response.StatusCode} without a token");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_role_below_the_one_needed_gets_403_naming_the_role_and_the_role_itself_gets_through()
    {
        var endpoints = Endpoints().ToDictionary(e => e.Key, e => e.Endpoint);
        foreach (var (key, role) in Writes)
        {
            var (method, route) = (key[..key.IndexOf(' ', StringComparison.Ordinal)], key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var below = Ranked[Array.IndexOf(Ranked, role) - 1];
            using var tooSmall = api.Client(api.Issuer.Token([below]));
            using var refused = await tooSmall.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(route)) { Content = BodyFor(endpoints[key]) });
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{key} answered {(int)refused.StatusCode} to a {below}");
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains($"needs the {role} role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(role, problem.GetProperty("requiredRole").GetString());

            using var enough = api.Client(api.Issuer.Token([role]));
            using var allowed = await enough.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(route)) { Content = BodyFor(endpoints[key]) });
            Assert.True(allowed.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{key} refused a {role}: {(int)allowed.StatusCode}");
        }
    }

    [Fact]
    public async Task A_reader_token_from_Entra_reads_and_nothing_a_refused_request_sent_was_written()
    {
        using var reader = api.Client(api.Issuer.Token(["Reader"]));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/datasets", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/runs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/sources", UriKind.Relative))).StatusCode);
        using var graphQl = await reader.PostAsJsonAsync("/graphql", new { query = "{ __typename }" });
        Assert.Equal(HttpStatusCode.OK, graphQl.StatusCode);

        using var upload = new MultipartFormDataContent { { new StringContent("id,name\n1,a\n"), "file", "refused.csv" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync(new Uri("/api/datasets/refused_by_role/uploads", UriKind.Relative), upload)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutAsJsonAsync("/api/datasets/refused_by_role", new { mode = "append" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(new Uri("/api/datasets/refused_by_role", UriKind.Relative))).StatusCode);
        var runs = await reader.GetFromJsonAsync<JsonElement>("/api/runs?dataset=refused_by_role");
        Assert.Equal(0, runs.GetArrayLength());
    }

    [Theory]
    [InlineData("expired", "expired at")]
    [InlineData("audience", "another audience")]
    [InlineData("issuer", "issuer this Api does not trust")]
    [InlineData("stranger", "signature does not verify")]
    [InlineData("tampered", "signature does not verify")]
    [InlineData("malformed", "malformed")]
    public async Task A_bad_token_is_a_401_that_says_what_is_wrong_without_echoing_it(string kind, string expected)
    {
        var issuer = api.Issuer;
        var token = kind switch
        {
            "expired" => issuer.Token(["Admin"], expires: DateTime.UtcNow.AddMinutes(-5)),
            "audience" => issuer.Token(["Admin"], audience: "api://someone-else"),
            "issuer" => issuer.Token(["Admin"], issuer: "https://login.example.com/other-tenant/v2.0"),
            "stranger" => issuer.Token(["Admin"], strangerKey: true),
            "tampered" => Jwts.Tamper(issuer.Token(["Reader"])),
            _ => "not-a-jwt",
        };
        using var client = api.Client(token);
        using var response = await client.GetAsync(new Uri("/api/datasets", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, challenge.Parameter!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_record_who_made_them_by_the_token_name()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"], name: "Élodie Editor"));
        using var upload = new MultipartFormDataContent { { new StringContent("id,name\n1,a\n"), "file", "who.csv" } };
        using var accepted = await editor.PostAsync(new Uri("/api/datasets/who_did_it/uploads", UriKind.Relative), upload);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var run = await editor.GetFromJsonAsync<JsonElement>(accepted.Headers.Location!);
        Assert.Equal("Élodie Editor", run.GetProperty("startedBy").GetString());

        using var settings = await editor.PutAsJsonAsync("/api/datasets/who_did_it", new { mode = "append" });
        Assert.Equal("Élodie Editor", (await settings.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updatedBy").GetString());

        using var secret = await editor.PutAsJsonAsync("/api/secrets/who-token", new { value = "v-1", allowedHosts = ExampleHost });
        Assert.Equal(HttpStatusCode.NoContent, secret.StatusCode);
        var secrets = await editor.GetFromJsonAsync<JsonElement>("/api/secrets");
        Assert.Contains(secrets.EnumerateArray(), s => s.GetProperty("name").GetString() == "who-token" && s.GetProperty("updatedBy").GetString() == "Élodie Editor");

        using var created = await editor.PostAsJsonAsync("/api/sources", new { name = "who-zone", kind = "dropzone", dataset = "who_did_it", dropzone = new { prefix = "who/" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var other = api.Client(api.Issuer.Token(["Admin"], name: "Ari Admin"));
        using var changed = await other.PutAsJsonAsync("/api/sources/who-zone", new { kind = "dropzone", dataset = "who_did_it", enabled = false, dropzone = new { prefix = "who/" } });
        var source = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Élodie Editor", source.GetProperty("createdBy").GetString());
        Assert.Equal("Ari Admin", source.GetProperty("updatedBy").GetString());
    }

    [Fact]
    public async Task Json_bodies_need_a_json_content_type_and_a_refused_body_changes_nothing()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));
        foreach (var (path, content) in new (string, HttpContent)[]
        {
            ("/api/datasets/form_posted", new StringContent("{\"mode\":\"upsert\",\"key\":[\"id\"]}", Encoding.UTF8, "text/plain")),
            ("/api/datasets/form_posted", new FormUrlEncodedContent(new Dictionary<string, string> { ["mode"] = "append" })),
            ("/api/secrets/form-posted", new StringContent("{\"value\":\"v\"}", Encoding.UTF8, "text/plain")),
            ("/api/sources/form-posted", new StringContent("{\"kind\":\"dropzone\",\"dataset\":\"d\",\"dropzone\":{\"prefix\":\"f/\"}}", Encoding.UTF8, "text/plain")),
        })
        {
            using var response = await editor.PutAsync(new Uri(path, UriKind.Relative), content);
            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{path} answered {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync(new Uri("/api/datasets/form_posted", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync(new Uri("/api/sources/form-posted", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Requests_for_another_host_name_are_refused_and_no_cors_header_is_ever_sent()
    {
        using var reader = api.Client(api.Issuer.Token(["Reader"]));
        using var otherHost = new HttpRequestMessage(HttpMethod.Get, "/api/datasets");
        otherHost.Headers.Host = "diviora.attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.SendAsync(otherHost)).StatusCode);

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/datasets");
        preflight.Headers.Add("Origin", "https://attacker.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var answer = await reader.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/datasets");
        read.Headers.Add("Origin", "https://attacker.example");
        Assert.False((await reader.SendAsync(read)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_and_each_operation_its_role()
    {
        using var anonymous = api.Client();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var upload = document.GetProperty("paths").GetProperty("/api/datasets/{dataset}/uploads").GetProperty("post");
        Assert.Equal("Editor", upload.GetProperty("x-diviora-role").GetString());
        Assert.True(upload.GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(upload.GetProperty("responses").TryGetProperty("429", out _));
        var delete = document.GetProperty("paths").GetProperty("/api/secrets/{name}").GetProperty("delete");
        Assert.Equal("Admin", delete.GetProperty("x-diviora-role").GetString());
    }

    private List<(string Key, string Route, string Method, RouteEndpoint Endpoint)> Endpoints() =>
        [.. api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Key: $"{method} {Route(e)}", Route: Route(e), Method: method, Endpoint: e)))];

    /// <summary>An empty body of the kind the endpoint declares it accepts (JSON when it declares none).</summary>
    private static HttpContent BodyFor(RouteEndpoint endpoint) =>
        (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts ? accepts.ContentTypes[0] : null) switch
        {
            "multipart/form-data" => new MultipartFormDataContent { { new StringContent("x"), "other", "other.txt" } },
            "application/octet-stream" => new ByteArrayContent("id\n1\n"u8.ToArray()) { Headers = { ContentType = new("application/octet-stream") } },
            _ => JsonContent.Create(new { }),
        };

    private static string Route(RouteEndpoint endpoint) => "/" + endpoint.RoutePattern.RawText!.TrimStart('/');

    /// <summary>A concrete path for a route pattern: names for names, a fresh id for ids.</summary>
    private static string Fill(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:?]+)(:guid)?\??\}", m => m.Groups[2].Success ? Guid.NewGuid().ToString() : "access-probe");
}
