namespace Diviora.Web.Identity;

/// <summary>
/// Where people sign in (<c>Diviora:Identity</c>): the local provider the AppHost starts, or Entra External ID with the
/// Web's app registration. The same settings name both.
/// </summary>
public sealed class SignInOptions
{
    public const string Section = "Diviora:Identity";

    /// <summary>The OpenID provider: <c>http://localhost:5190</c> locally, <c>https://&lt;subdomain&gt;.ciamlogin.com/&lt;tenantId&gt;/v2.0</c> in Entra.</summary>
    public string? Authority { get; set; }

    /// <summary>The Web's client id (the local provider's <c>diviora-web</c>, or the Web app registration's application id).</summary>
    public string? ClientId { get; set; }

    /// <summary>The Web's client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The scopes asked for besides <c>openid profile offline_access</c>: the Api's, so the access token is for it.
    /// Locally <c>api</c>; in Entra the Api's delegated scope, e.g. <c>api://&lt;api-app-id&gt;/access_as_user</c>.
    /// </summary>
    public string ApiScope { get; set; } = "api";
}
