namespace Diviora.Api.Access;

/// <summary>
/// Where the Api's tokens come from (<c>Diviora:Identity</c>): the local provider the AppHost starts, or Entra External ID
/// (authority <c>https://&lt;subdomain&gt;.ciamlogin.com/&lt;tenantId&gt;/v2.0</c>), with the same code.
/// </summary>
internal sealed class AccessOptions
{
    public const string Section = "Diviora:Identity";

    /// <summary>The OpenID provider whose discovery document names the issuer and the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for: the Api's application ID URI in Entra.</summary>
    public string Audience { get; set; } = "api://diviora";
}
