using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Passes the operator's source settings from the AppHost's own configuration to the services that fetch.</summary>
internal static class SourcesPolicyExtensions
{
    private const string AllowPrivateEndpoints = "Diviora:Sources:AllowPrivateEndpoints";
    private const string SqlServerEndpoints = "Diviora:Sources:SqlServerEndpoints";

    /// <summary>
    /// Gives the service <c>Diviora:Sources:AllowPrivateEndpoints</c> (and <c>SqlServerEndpoints</c>) when the AppHost has it, so that
    /// <c>dotnet run --project Diviora.AppHost -- --Diviora:Sources:AllowPrivateEndpoints=127.0.0.1:18765</c> lets sources
    /// reach that local port (without it, sources reach public addresses only), and the one folder SQLite sources may
    /// open files in.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSourcesPolicy(this IResourceBuilder<ProjectResource> service, IConfiguration configuration, string sqliteSources)
    {
        service.WithEnvironment("Diviora__Sources__Database__SqliteFolder", sqliteSources);
        foreach (var setting in new[] { AllowPrivateEndpoints, SqlServerEndpoints })
        {
            if (configuration[setting] is { Length: > 0 } value)
            {
                service.WithEnvironment(setting.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return service;
    }
}
