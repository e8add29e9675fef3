using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>
/// Gets tokens from the local OpenID provider the AppHost starts, the way clients do: the client-credentials grant for
/// scripts, and for people the authorization code flow with PKCE through the provider's own login page, as the Web's
/// client. Nothing here bypasses the provider.
/// </summary>
internal sealed class LocalIdentity(Uri issuer, Uri web)
{
    public const string Password = "diviora-local";
    public const string WebClientSecret = "diviora-local-web";

    /// <summary>The automation clients and their secrets (roles Editor and Reader).</summary>
    public static readonly (string Id, string Secret) Automation = ("diviora-automation", "diviora-local-automation");
    public static readonly (string Id, string Secret) ReaderClient = ("diviora-reader", "diviora-local-reader");

    public Uri Issuer { get; } = issuer;

    /// <summary>A JWT access token for the Api from a plain client-credentials form post.</summary>
    public async Task<string> ClientCredentialsAsync((string Id, string Secret) client)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(await EndpointAsync(http, "token_endpoint"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.Id,
            ["client_secret"] = client.Secret,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"client credentials for {client.Id}: {(int)response.StatusCode} {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Signs <paramref name="login"/> in through the login page and returns the token response (access, ID and refresh tokens).</summary>
    public async Task<JsonElement> SignInAsync(string login, string password = Password)
    {
        var (http, verifier, loginPage) = await StartAuthorizationAsync();
        using (http)
        {
            var (status, location, html) = await SubmitLoginAsync(http, loginPage, login, password);
            Assert.True(status == HttpStatusCode.SeeOther || status == HttpStatusCode.Found, $"login of {login} answered {(int)status}: {html}");
            // Follow the provider's own redirects until it sends the browser back to the Web with a code.
            var next = new Uri(loginPage, location!);
            while (!next.AbsoluteUri.StartsWith(web.AbsoluteUri, StringComparison.Ordinal))
            {
                using var step = await http.GetAsync(next);
                Assert.True(step.Headers.Location is not null, $"the provider stopped at {next} with {(int)step.StatusCode}");
                next = new Uri(next, step.Headers.Location);
            }

            var code = System.Web.HttpUtility.ParseQueryString(next.Query)["code"];
            Assert.False(string.IsNullOrEmpty(code), $"no code in {next}");
            using var exchange = await http.PostAsync(await EndpointAsync(http, "token_endpoint"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code!,
                ["redirect_uri"] = RedirectUri,
                ["client_id"] = "diviora-web",
                ["client_secret"] = WebClientSecret,
                ["code_verifier"] = verifier,
            }));
            var tokens = await exchange.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(exchange.IsSuccessStatusCode, $"code exchange: {(int)exchange.StatusCode} {tokens}");
            return tokens;
        }
    }

    /// <summary>Posts a login to the provider's page and answers what it said: the status, the redirect and the page.</summary>
    public async Task<(HttpStatusCode Status, Uri? Location, string Html)> TryLoginAsync(string login, string password)
    {
        var (http, _, loginPage) = await StartAuthorizationAsync();
        using (http)
        {
            return await SubmitLoginAsync(http, loginPage, login, password);
        }
    }

    private string RedirectUri => new Uri(web, "/signin-oidc").AbsoluteUri;

    private async Task<(HttpClient Http, string Verifier, Uri LoginPage)> StartAuthorizationAsync()
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var authorize = new UriBuilder(await EndpointAsync(http, "authorization_endpoint"))
        {
            Query = string.Join('&', new Dictionary<string, string>
            {
                ["client_id"] = "diviora-web",
                ["response_type"] = "code",
                ["scope"] = "openid profile offline_access api",
                ["redirect_uri"] = RedirectUri,
                ["code_challenge"] = challenge,
                ["code_challenge_method"] = "S256",
                ["state"] = Guid.NewGuid().ToString("N"),
                ["nonce"] = Guid.NewGuid().ToString("N"),
            }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")),
        }.Uri;
        using var started = await http.GetAsync(authorize);
        Assert.True(started.Headers.Location is not null, $"authorize answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        return (http, verifier, new Uri(authorize, started.Headers.Location));
    }

    private static async Task<(HttpStatusCode, Uri?, string)> SubmitLoginAsync(HttpClient http, Uri loginPage, string login, string password)
    {
        var form = WebSignIn.FormOf(await http.GetStringAsync(loginPage), loginPage);
        using var response = await http.PostAsync(form.Action,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = login, ["password"] = password }));
        return (response.StatusCode, response.Headers.Location, await response.Content.ReadAsStringAsync());
    }

    private async Task<Uri> EndpointAsync(HttpClient http, string name)
    {
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(Issuer, "/.well-known/openid-configuration"));
        return new Uri(discovery.GetProperty(name).GetString()!);
    }
}
