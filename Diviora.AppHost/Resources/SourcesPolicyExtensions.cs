using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Passes the operator's source settings from the AppHost's own configuration to the services that fetch.</summary>
internal static class SourcesPolicyExtensions
{
    private const string AllowPrivateEndpoints = "Diviora:Sources:AllowPrivateEndpoints";

    /// <summary>
    /// Gives the service <c>Diviora:Sources:AllowPrivateEndpoints</c> when the AppHost has it, so that
    /// <c>dotnet run --project Diviora.AppHost -- --Diviora:Sources:AllowPrivateEndpoints=127.0.0.1:18765</c> lets sources
    /// reach that local port. Without it, sources reach public addresses only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSourcesPolicy(this IResourceBuilder<ProjectResource> service, IConfiguration configuration)
    {
        if (configuration[AllowPrivateEndpoints] is { Length: > 0 } allowed)
        {
            service.WithEnvironment(AllowPrivateEndpoints.Replace(":", "__", StringComparison.Ordinal), allowed);
        }

        return service;
    }
}
