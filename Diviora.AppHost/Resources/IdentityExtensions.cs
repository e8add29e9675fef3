using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Declares sign-in: the local OpenID provider in place of Entra External ID, and the settings the Api and the Web
/// need to trust it. Development only: its accounts share one password and its clients' secrets are well known.
/// </summary>
public static class IdentityExtensions
{
    private static readonly HttpClient DiscoveryProbe = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// Adds the local provider from the repository's <c>node_modules</c>, on http://localhost:5190 (127.0.0.1), its keys and
    /// sessions under <c>{dataDirectory}/identity</c>. The accounts <c>admin</c>, <c>editor</c> and <c>reader</c> sign in
    /// with the parameter <c>identity-password</c> (default <c>diviora-local</c>).
    /// </summary>
    public static IResourceBuilder<IdentityProviderResource> AddLocalIdentity(
        this IDistributedApplicationBuilder builder, string name, string repositoryRoot, string dataDirectory)
    {
        var package = Path.Combine(repositoryRoot, "node_modules", "oidc-provider", "package.json");
        if (!File.Exists(package))
        {
            throw new DistributedApplicationException(
                $"The local identity provider is not installed at {Path.GetDirectoryName(package)}. Run 'npm ci' in {repositoryRoot} (the AppHost's build does this when it is missing).");
        }

        var script = Path.Combine(builder.AppHostDirectory, "Resources", "identity-provider.mjs");
        var keys = Path.Combine(dataDirectory, "identity");
        Directory.CreateDirectory(keys);

        // Development values, overridable like any Aspire parameter (Parameters:identity-password, ...).
        var password = Parameter(builder, "identity-password", "diviora-local");
        var webSecret = Parameter(builder, "identity-web-secret", "diviora-local-web");
        var automationSecret = Parameter(builder, "identity-automation-secret", "diviora-local-automation");
        var readerSecret = Parameter(builder, "identity-reader-secret", "diviora-local-reader");

        var identity = new IdentityProviderResource(name, "node", repositoryRoot);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            using var response = await DiscoveryProbe.GetAsync(new Uri($"{identity.PrimaryEndpoint.Url}/.well-known/openid-configuration"), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The identity provider answered its discovery document with {(int)response.StatusCode}.");
        });

        return builder.AddResource(identity)
            .WithHttpEndpoint(port: IdentityProviderResource.DefaultPort, name: IdentityProviderResource.PrimaryEndpointName)
            .WithArgs(script)
            .WithEnvironment("IDENTITY_HOST", "127.0.0.1")
            .WithEnvironment("IDENTITY_PORT", identity.PrimaryEndpoint.Property(EndpointProperty.TargetPort))
            .WithEnvironment("IDENTITY_ISSUER", identity.PrimaryEndpoint)
            .WithEnvironment("IDENTITY_DATA", keys)
            .WithEnvironment("IDENTITY_PASSWORD", password)
            .WithEnvironment("API_AUDIENCE", IdentityProviderResource.ApiAudience)
            .WithEnvironment("WEB_CLIENT_SECRET", webSecret)
            .WithEnvironment("AUTOMATION_CLIENT_SECRET", automationSecret)
            .WithEnvironment("READER_CLIENT_SECRET", readerSecret)
            .WithAnnotation(new WebClientSecretAnnotation(webSecret.Resource))
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Lets the Web sign people in at <paramref name="identity"/> and registers its callback addresses there.</summary>
    public static IResourceBuilder<ProjectResource> WithSignIn(
        this IResourceBuilder<ProjectResource> web, IResourceBuilder<IdentityProviderResource> identity)
    {
        var endpoint = web.GetEndpoint("http");
        identity
            .WithEnvironment("WEB_REDIRECT_URIS", ReferenceExpression.Create($"{endpoint}/signin-oidc"))
            .WithEnvironment("WEB_POST_LOGOUT_REDIRECT_URIS", ReferenceExpression.Create($"{endpoint}/signout-callback-oidc"));
        var secret = identity.Resource.Annotations.OfType<WebClientSecretAnnotation>().Single().Secret;
        return web
            .WithEnvironment("Diviora__Identity__Authority", identity.Resource.PrimaryEndpoint)
            .WithEnvironment("Diviora__Identity__ClientId", IdentityProviderResource.WebClientId)
            .WithEnvironment("Diviora__Identity__ClientSecret", secret)
            .WithEnvironment("Diviora__Identity__Audience", IdentityProviderResource.ApiAudience)
            .WaitFor(identity);
    }

    /// <summary>Lets the Api check tokens issued by <paramref name="identity"/> for its audience.</summary>
    public static IResourceBuilder<ProjectResource> WithTokenChecks(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<IdentityProviderResource> identity) =>
        api
            .WithEnvironment("Diviora__Identity__Authority", identity.Resource.PrimaryEndpoint)
            .WithEnvironment("Diviora__Identity__Audience", IdentityProviderResource.ApiAudience)
            .WaitFor(identity);

    private static IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder, string name, string developmentValue) =>
        builder.AddParameter(name, builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured ? configured : developmentValue, secret: true);

    private sealed record WebClientSecretAnnotation(ParameterResource Secret) : IResourceAnnotation;
}
