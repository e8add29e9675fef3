using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Passes the operator's source settings from the AppHost's own configuration to the services that fetch.</summary>
internal static class SourcesPolicyExtensions
{
    private const string AllowPrivateEndpoints = "Diviora:Sources:AllowPrivateEndpoints";

    /// <summary>
    /// Gives the service <c>Diviora:Sources:AllowPrivateEndpoints</c> when the AppHost has it, so that
    /// <c>dotnet run --project Diviora.AppHost -- --Diviora:Sources:AllowPrivateEndpoints=127.0.0.1:18765</c> lets sources
    /// reach that local port (without it, sources reach public addresses only), and the one folder SQLite sources may
    /// open files in.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSourcesPolicy(this IResourceBuilder<ProjectResource> service, IConfiguration configuration, string sqliteSources)
    {
        service.WithEnvironment("Diviora__Sources__Database__SqliteFolder", sqliteSources);
        if (configuration[AllowPrivateEndpoints] is { Length: > 0 } allowed)
        {
            service.WithEnvironment(AllowPrivateEndpoints.Replace(":", "__", StringComparison.Ordinal), allowed);
        }

        return service;
    }
}
