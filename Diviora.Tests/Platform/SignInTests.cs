using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Diviora.Tests.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Diviora.Tests.Platform;

/// <summary>
/// Sign-in on the running platform with the local OpenID provider the AppHost starts: tokens from its token endpoint and
/// its login page, checked by the real Api. No test switches authentication off.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SignInTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_provider_publishes_discovery_on_its_issuer_and_a_client_credentials_post_gives_an_api_jwt_with_roles()
    {
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(platform.Identity.Issuer, "/.well-known/openid-configuration"));
        Assert.Equal(platform.Identity.Issuer.AbsoluteUri.TrimEnd('/'), discovery.GetProperty("issuer").GetString());

        var token = await platform.Identity.ClientCredentialsAsync(LocalIdentity.Automation);
        var claims = Jwts.Payload(token);
        Assert.Equal("api://diviora", claims.GetProperty("aud").GetString());
        Assert.Equal(["Editor"], claims.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.InRange(claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64(), 60, 3600);
        Assert.Equal(["Reader"], Jwts.Payload(await platform.Identity.ClientCredentialsAsync(LocalIdentity.ReaderClient)).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        using var wrong = await http.PostAsync(new Uri(discovery.GetProperty("token_endpoint").GetString()!), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = LocalIdentity.Automation.Id, ["client_secret"] = "guessed",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task An_editor_token_uploads_and_the_run_says_who_started_it()
    {
        using var editor = platform.ApiWith(await platform.Identity.ClientCredentialsAsync(LocalIdentity.Automation));
        var run = await editor.LoadAsync("signed_in_upload", "id,name\n1,Ada\n2,Grace\n");
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("diviora-automation", run.GetProperty("startedBy").GetString());

        var person = await platform.Identity.SignInAsync("editor");
        using var asPerson = platform.ApiWith(person.GetProperty("access_token").GetString());
        var second = await asPerson.LoadAsync("signed_in_upload", "id,name\n3,Linus\n");
        Assert.Equal("Local Editor", second.GetProperty("startedBy").GetString());
    }

    [Fact]
    public async Task A_reader_reads_everything_and_every_write_is_refused_with_403_and_leaves_nothing()
    {
        await platform.Api.LoadAsync("reader_view", "id,name\n1,a\n");
        using var reader = platform.ApiWith(await platform.Identity.ClientCredentialsAsync(LocalIdentity.ReaderClient));
        foreach (var path in new[] { "/api/datasets", "/api/datasets/reader_view", "/api/datasets/reader_view/rows", "/api/runs", "/api/sources", "/api/overview" })
        {
            using var read = await reader.GetAsync(path);
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"{path}: {(int)read.StatusCode}");
        }

        var writes = new (string Method, string Path, HttpContent? Body, string Role)[]
        {
            ("POST", "/api/datasets/reader_write/uploads", new MultipartFormDataContent { { new StringContent("id\n1\n"), "file", "x.csv" } }, "Editor"),
            ("PUT", "/api/datasets/reader_write", JsonContent.Create(new { mode = "append" }), "Editor"),
            ("POST", "/api/sources", JsonContent.Create(new { name = "reader-src", kind = "dropzone", dataset = "reader_write", dropzone = new { prefix = "r/" } }), "Editor"),
            ("PUT", "/api/secrets/reader-secret", JsonContent.Create(new { value = "v" }), "Editor"),
            ("DELETE", "/api/secrets/reader-secret", null, "Admin"),
        };
        foreach (var (method, path, body, role) in writes)
        {
            using var refused = await reader.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body });
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)refused.StatusCode}");
            Assert.Contains($"needs the {role} role", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/datasets/reader_write")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/sources/reader-src")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_or_with_a_changed_one_the_api_answers_401_and_health_stays_open()
    {
        using var anonymous = platform.ApiWith(null);
        foreach (var path in new[] { "/api/datasets", "/api/runs", "/api/sources", "/api/secrets", "/graphql?query=%7B__typename%7D" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        var token = await platform.Identity.ClientCredentialsAsync(LocalIdentity.ReaderClient);
        using var tampered = platform.ApiWith(Jwts.Tamper(token));
        using var refused = await tampered.DeleteAsync("/api/secrets/anything");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("signature", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_refuses_a_wrong_password_the_same_way_whether_or_not_the_account_exists()
    {
        var wrongPassword = await platform.Identity.TryLoginAsync("reader", "not-the-password");
        var noAccount = await platform.Identity.TryLoginAsync("nobody", "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.Status);
        Assert.Null(wrongPassword.Location);
        Assert.Contains("The account or password is not correct.", wrongPassword.Html, StringComparison.Ordinal);
        Assert.Equal(wrongPassword.Status, noAccount.Status);
        Assert.Contains("The account or password is not correct.", noAccount.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", wrongPassword.Html, StringComparison.Ordinal);
        Assert.Contains("development stand-in", wrongPassword.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_web_refreshes_a_persons_access_token_with_the_provider_before_it_expires()
    {
        var signedIn = await platform.Identity.SignInAsync("reader");
        var old = signedIn.GetProperty("access_token").GetString()!;
        var properties = new AuthenticationProperties();
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = old },
            new AuthenticationToken { Name = "refresh_token", Value = signedIn.GetProperty("refresh_token").GetString()! },
            // Two minutes left: inside the five minutes before expiry in which the Web refreshes.
            new AuthenticationToken { Name = "expires_at", Value = DateTimeOffset.UtcNow.AddMinutes(2).ToString("o", System.Globalization.CultureInfo.InvariantCulture) },
        ]);
        var request = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton<IAuthenticationService>(new CookieTicket(properties)).BuildServiceProvider() };
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(platform.Identity.Issuer, "/.well-known/openid-configuration"));
        var oidc = new OpenIdConnectOptions
        {
            ClientId = "diviora-web",
            ClientSecret = LocalIdentity.WebClientSecret,
            ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(
                new OpenIdConnectConfiguration { TokenEndpoint = discovery.GetProperty("token_endpoint").GetString() }),
        };
        using var tokens = new Diviora.Web.Identity.UserTokens(new HttpContextAccessor { HttpContext = request }, new FixedOptions(oidc), new PlainClients(), TimeProvider.System);

        var sent = await tokens.GetAccessTokenAsync(CancellationToken.None);
        var again = await tokens.GetAccessTokenAsync(CancellationToken.None);

        Assert.NotEqual(old, sent);
        Assert.Equal(sent, again);
        Assert.NotEqual(Jwts.Payload(old).GetProperty("jti").GetString(), Jwts.Payload(sent!).GetProperty("jti").GetString());
        Assert.True(Jwts.Payload(sent!).GetProperty("exp").GetInt64() >= Jwts.Payload(old).GetProperty("exp").GetInt64());
        using var reader = platform.ApiWith(sent);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/datasets")).StatusCode);
    }

    [Fact]
    public async Task A_restart_of_the_provider_keeps_its_keys_so_tokens_and_refresh_tokens_still_work()
    {
        var tokens = await platform.Identity.SignInAsync("reader");
        var claims = Jwts.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(("Local Reader", "Reader"), (claims.GetProperty("name").GetString(), claims.GetProperty("roles")[0].GetString()));
        using var http = new HttpClient();
        var before = await http.GetStringAsync(new Uri(platform.Identity.Issuer, "/jwks"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await platform.RunAgainAsync("identity", "resource-restart", timeout.Token);

        Assert.Equal(before, await AnswerAsync(http, new Uri(platform.Identity.Issuer, "/jwks"), timeout.Token));
        using var reader = platform.ApiWith(tokens.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/datasets")).StatusCode);
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(platform.Identity.Issuer, "/.well-known/openid-configuration"));
        using var refreshed = await http.PostAsync(new Uri(discovery.GetProperty("token_endpoint").GetString()!), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = "diviora-web", ["client_secret"] = LocalIdentity.WebClientSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    /// <summary>
    /// The provider's answer once it listens again: the health state can still be the one from before the restart
    /// for a moment, while the old process stops and the new one starts.
    /// </summary>
    private static async Task<string> AnswerAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await http.GetStringAsync(uri, cancellationToken);
            }
            catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    /// <summary>The sign-in cookie as the cookie handler would read it: a ticket with the person's tokens.</summary>
    private sealed class CookieTicket(AuthenticationProperties properties) : IAuthenticationService
    {
        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) =>
            Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(), properties, scheme!)));

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task SignInAsync(HttpContext context, string? scheme, System.Security.Claims.ClaimsPrincipal principal, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
    }

    private sealed class FixedOptions(OpenIdConnectOptions options) : IOptionsMonitor<OpenIdConnectOptions>
    {
        public OpenIdConnectOptions CurrentValue => options;

        public OpenIdConnectOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;
    }

    private sealed class PlainClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
