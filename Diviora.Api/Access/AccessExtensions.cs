using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Diviora.Api.Access;

/// <summary>
/// Who may call the Api: every request but health checks carries a JWT access token (issuer, audience, lifetime and
/// signature checked) with a role in its <c>roles</c> claim. Reader reads, Editor also loads and edits, Admin also deletes.
/// </summary>
internal static class AccessExtensions
{
    public static IHostApplicationBuilder AddDivioraAccess(this IHostApplicationBuilder builder)
    {
        // Without an authority no token can be checked: refuse to start rather than answer every request 401.
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Authority) && !string.IsNullOrWhiteSpace(o.Audience),
                $"{AccessOptions.Section}:Authority and :Audience must be set: the OpenID provider that issues the Api's tokens, and their audience. " +
                "The AppHost sets both for the local provider; see docs/security.md for Entra External ID.")
            .ValidateOnStart();
        // 401 and 403 are written as problem details.
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AccessOptions>>((jwt, options) =>
        {
            var settings = options.Value;
            jwt.Authority = settings.Authority;
            jwt.Audience = settings.Audience;
            // Plain http is only for a provider on this machine (the local stand-in); anything else must be https.
            jwt.RequireHttpsMetadata = !IdentityAuthority.IsLoopback(settings.Authority);
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters.NameClaimType = "name";
            jwt.TokenValidationParameters.RoleClaimType = AppRoles.ClaimType;
            jwt.TokenValidationParameters.ValidAudience = settings.Audience;
            jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
            jwt.Events = new JwtBearerEvents { OnChallenge = BearerChallenge.WriteAsync };
        });

        var reader = RolePolicy(AppRoles.Reader);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AppRoles.Reader, reader)
            .AddPolicy(AppRoles.Editor, RolePolicy(AppRoles.Editor))
            .AddPolicy(AppRoles.Admin, RolePolicy(AppRoles.Admin))
            .SetDefaultPolicy(reader)
            // An endpoint that states no role still needs a Reader: nothing is anonymous by accident.
            .SetFallbackPolicy(reader);
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, RoleProblemHandler>();

        return builder;
    }

    private static AuthorizationPolicy RolePolicy(string role) =>
        new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireRole(AppRoles.AtLeast(role))
            .Build();
}
