using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Diviora.Web.Identity;

/// <summary>
/// The signed-in person's own access token for the Api, per circuit (or per request while a page pre-renders): read
/// from the sign-in cookie once, then refreshed with the refresh token a few minutes before it expires. The Web never
/// calls the Api with an identity of its own.
/// </summary>
public sealed class UserTokens(IHttpContextAccessor httpContexts, IOptionsMonitor<OpenIdConnectOptions> oidc, IHttpClientFactory clients, TimeProvider time)
    : IDisposable
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _accessToken;
    private string? _refreshToken;
    private DateTimeOffset _expiresAt;
    private bool _loaded;

    /// <summary>The access token to send, refreshed when it is about to expire; null when there is no signed-in user.</summary>
    public async ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded)
            {
                await LoadAsync();
            }

            if (_accessToken is not null && _refreshToken is not null && time.GetUtcNow() >= _expiresAt - RefreshBefore)
            {
                await RefreshAsync(cancellationToken);
            }

            return _accessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes the tokens from the sign-in cookie of the request (or circuit connection) at hand.</summary>
    internal async Task LoadAsync()
    {
        if (httpContexts.HttpContext is not { } context)
        {
            return;
        }

        var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (result.Properties is not { } properties)
        {
            return;
        }

        _accessToken = properties.GetTokenValue("access_token");
        _refreshToken = properties.GetTokenValue("refresh_token");
        _expiresAt = DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires)
            ? expires
            : DateTimeOffset.MinValue;
        _loaded = true;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        using var request = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = options.ClientId!,
            ["client_secret"] = options.ClientSecret!,
            ["refresh_token"] = _refreshToken!,
        });
        using var response = await clients.CreateClient(SignInExtensions.TokenClient).PostAsync(configuration.TokenEndpoint, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The session ended at the provider: the Api will answer 401 and the page asks to sign in again.
            _refreshToken = null;
            return;
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = body.RootElement;
        _accessToken = root.GetProperty("access_token").GetString();
        if (root.TryGetProperty("refresh_token", out var rotated) && rotated.GetString() is { Length: > 0 } next)
        {
            _refreshToken = next;
        }

        _expiresAt = time.GetUtcNow().AddSeconds(root.TryGetProperty("expires_in", out var seconds) ? seconds.GetInt32() : 300);
    }

    public void Dispose() => _gate.Dispose();
}
