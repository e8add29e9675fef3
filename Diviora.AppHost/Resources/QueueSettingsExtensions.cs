using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Passes the operator's ingestion queue settings from the AppHost's own configuration to the Api and the Worker.</summary>
internal static class QueueSettingsExtensions
{
    private const string Section = "Diviora:Queue";

    /// <summary>
    /// Gives the service every <c>Diviora:Queue:*</c> setting the AppHost has (<c>VisibilityTimeout</c>, <c>MaxDeliveries</c>,
    /// <c>StaleQueuedAfter</c>, ...), so that <c>dotnet run --project Diviora.AppHost -- --Diviora:Queue:VisibilityTimeout=00:00:30</c>
    /// shortens the lease of every worker replica; settings it lacks keep the services' own defaults.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithQueueSettings(this IResourceBuilder<ProjectResource> service, IConfiguration configuration)
    {
        foreach (var setting in configuration.GetSection(Section).AsEnumerable(makePathsRelative: false))
        {
            if (setting.Value is { Length: > 0 } value)
            {
                service.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return service;
    }
}
