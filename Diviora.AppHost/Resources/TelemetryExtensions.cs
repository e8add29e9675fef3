using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Application Insights for the services: what the AppHost is given, each service gets.</summary>
internal static class TelemetryExtensions
{
    /// <summary>
    /// The settings a service needs to export to Application Insights, passed on only when set on the AppHost (in its
    /// configuration or environment): the connection string, statsbeat's switch, and Diviora's own telemetry settings.
    /// </summary>
    private static readonly string[] Settings =
    [
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED",
        "Diviora:Telemetry:SamplingRatio",
        "Diviora:Telemetry:LiveMetrics",
        "Diviora:Telemetry:OfflineStorage",
    ];

    /// <summary>Passes the Application Insights settings the AppHost has to <paramref name="service"/>.</summary>
    public static IResourceBuilder<ProjectResource> WithApplicationInsights(this IResourceBuilder<ProjectResource> service, IConfiguration configuration)
    {
        foreach (var name in Settings)
        {
            if (configuration[name] is { Length: > 0 } value)
            {
                service.WithEnvironment(name.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return service;
    }
}
