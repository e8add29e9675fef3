using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace Diviora.Web.Identity;

/// <summary>
/// Sign-in for the dashboard: OpenID Connect (authorization code with PKCE) at the configured provider, a cookie session
/// that keeps the person's tokens, and every page behind it. The Api calls carry the person's own access token.
/// </summary>
public static class SignInExtensions
{
    /// <summary>The client that refreshes tokens at the provider's token endpoint.</summary>
    public const string TokenClient = "identity-token";

    public static IHostApplicationBuilder AddSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Authority) && !string.IsNullOrWhiteSpace(o.ClientId) && !string.IsNullOrWhiteSpace(o.ClientSecret),
                $"{SignInOptions.Section}:Authority, :ClientId and :ClientSecret must be set. The AppHost sets them for the local provider; see docs/security.md for Entra External ID.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "diviora.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                // A signed-in person without the role gets a plain 403 (the pages say which role they need): there is no
                // access-denied page to send them to.
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect();
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure<IOptions<SignInOptions>>((oidc, options) =>
        {
            var settings = options.Value;
            oidc.Authority = settings.Authority;
            oidc.ClientId = settings.ClientId;
            oidc.ClientSecret = settings.ClientSecret;
            oidc.ResponseType = "code";
            oidc.UsePkce = true;
            oidc.SaveTokens = true;
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile", "offline_access", settings.ApiScope })
            {
                oidc.Scope.Add(scope);
            }

            oidc.TokenValidationParameters.NameClaimType = "name";
            oidc.TokenValidationParameters.RoleClaimType = AppRoles.ClaimType;
            // Plain http only for a provider on this machine (the local stand-in).
            oidc.RequireHttpsMetadata = !IdentityAuthority.IsLoopback(settings.Authority);
            if (!oidc.RequireHttpsMetadata)
            {
                // Locally the provider and the Web are both on localhost (same site) over http, where a browser refuses
                // SameSite=None cookies that are not Secure: keep the sign-in's correlation cookies Lax and unsecured there.
                foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }
            }
            oidc.SignedOutRedirectUri = "/signed-out";
            oidc.Events.OnRedirectToIdentityProvider = context =>
            {
                // Only a page the person navigates to is sent to sign in. A script's request (the dashboard's circuit
                // reconnecting after Sign out, a fetch) gets 401: following a redirect to the provider in the background
                // would only race the person's own sign-in or sign-out there.
                var mode = context.Request.Headers["Sec-Fetch-Mode"].ToString();
                if ((mode.Length > 0 && mode != "navigate") || context.Request.Path.StartsWithSegments("/_blazor"))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.HandleResponse();
                }

                return Task.CompletedTask;
            };
        });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHttpClient(TokenClient);
        builder.Services.AddScoped<UserTokens>();
        builder.Services.AddScoped<CircuitHandler, TokenCircuitHandler>();
        return builder;
    }

    /// <summary>
    /// <c>POST /signout</c> ends the cookie session and the provider's session (RP-initiated logout), then shows
    /// <c>/signed-out</c>, which anyone may see.
    /// </summary>
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signout", () => TypedResults.SignOut(
            new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet("/signed-out", () => TypedResults.Content(SignedOutPage, "text/html; charset=utf-8")).AllowAnonymous();
        return app;
    }

    private const string SignedOutPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Signed out - Diviora</title>
        <style>body{font-family:system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#fafafa;color:#242424}
        main{max-width:28rem;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
        a{color:#0f6cbd}</style></head>
        <body><main><h1>You are signed out</h1><p data-testid="signed-out">Your Diviora session has ended.</p>
        <p><a href="/">Sign in again</a></p></main></body></html>
        """;
}
