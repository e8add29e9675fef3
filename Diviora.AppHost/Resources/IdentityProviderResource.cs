namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The local OpenID provider (npm <c>oidc-provider</c>, started by <c>Resources/identity-provider.mjs</c>): a development
/// stand-in for Entra External ID that signs people and scripts in and issues the Api's JWT access tokens.
/// </summary>
public sealed class IdentityProviderResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    internal const string PrimaryEndpointName = "http";

    /// <summary>The port the provider answers on locally (the issuer is <c>http://localhost:5190</c>).</summary>
    public const int DefaultPort = 5190;

    /// <summary>The audience of the Api's access tokens, as an Entra Application ID URI would name it.</summary>
    public const string ApiAudience = "api://diviora";

    /// <summary>The Web's client, for the authorization code flow with PKCE.</summary>
    public const string WebClientId = "diviora-web";

    /// <summary>The issuer's base address, as browsers and services reach it.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);
}
