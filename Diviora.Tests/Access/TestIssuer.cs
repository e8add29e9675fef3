using System.Security.Cryptography;
using Diviora.Api.Access;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Diviora.Tests.Access;

/// <summary>
/// Mints access tokens in the shape Entra External ID issues them (v2 issuer on ciamlogin.com, the Api's client id as
/// audience, app roles in <c>roles</c>), signed with a key of the test's own, so the Api's checks can be tried on
/// every kind of bad token without a tenant.
/// </summary>
internal sealed class TestIssuer : IDisposable
{
    public const string TenantId = "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f";

    /// <summary>The Api app registration's application (client) id: the audience of Entra v2 access tokens.</summary>
    public const string ApiClientId = "0b7d5f3e-9a1c-4e2b-8d6f-4c3b2a1e0f9d";

    /// <summary>The Web app registration's client id, the <c>azp</c> of tokens it gets for people.</summary>
    public const string WebClientId = "c4e8a2f6-1b3d-4f5a-9c7e-2d4f6a8b0c1e";

    public static readonly string Issuer = $"https://diviora.ciamlogin.com/{TenantId}/v2.0";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _stranger = RSA.Create(2048);

    public TestIssuer()
    {
        Key = new RsaSecurityKey(_rsa) { KeyId = "entra-test-key" };
    }

    /// <summary>The signing key the Api is told the issuer uses (as its discovery document would).</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>
    /// Has the JWT handler trust this issuer: its address and signing key are handed over as Entra's discovery document
    /// would hand them. Call after the Api's own access services are added.
    /// </summary>
    public void TrustIn(IServiceCollection services) =>
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            var metadata = new OpenIdConnectConfiguration { Issuer = Issuer };
            metadata.SigningKeys.Add(Key);
            jwt.Configuration = metadata;
        });

    /// <summary>
    /// The Api's own access checks (<c>AddDivioraAccess</c>) on <paramref name="builder"/>, trusting this issuer, for tests
    /// that host some of the Api's endpoints themselves; the app then needs UseAuthentication and UseAuthorization.
    /// </summary>
    public void AddApiAccess(WebApplicationBuilder builder)
    {
        builder.Configuration["Diviora:Identity:Authority"] = Issuer;
        builder.Configuration["Diviora:Identity:Audience"] = ApiClientId;
        builder.AddDivioraAccess();
        TrustIn(builder.Services);
    }

    /// <summary>A person's token with <paramref name="roles"/>; the other arguments make it bad in one way each.</summary>
    /// <param name="oid">The person's object id, from which their <c>sub</c> follows, so tests can be several people.</param>
    public string Token(
        string[] roles, string name = "Dana Data", string? audience = null, string? issuer = null, DateTime? expires = null, bool strangerKey = false,
        string oid = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(60);
        var key = strangerKey ? new RsaSecurityKey(_stranger) { KeyId = Key.KeyId } : Key;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? ApiClientId,
            IssuedAt = expiry.AddMinutes(-60),
            NotBefore = expiry.AddMinutes(-60),
            Expires = expiry,
            Claims = new Dictionary<string, object>
            {
                ["ver"] = "2.0",
                ["tid"] = TenantId,
                ["oid"] = oid,
                ["sub"] = "sub-" + oid,
                ["azp"] = WebClientId,
                ["scp"] = "access_as_user",
                ["name"] = name,
                ["roles"] = roles,
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _stranger.Dispose();
    }
}
