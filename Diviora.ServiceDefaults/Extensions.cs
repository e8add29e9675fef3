using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Azure.Monitor.OpenTelemetry.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Diviora service shares: OpenTelemetry, health checks, service discovery and resilient HttpClients.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Adds telemetry, health checks, service discovery and HttpClient resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Logs, metrics and traces: exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the Aspire dashboard
    /// locally) and to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The Azure SDKs emit their spans only when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Diviora.*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("Diviora.*")
                .AddSource("Azure.*")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath) &&
                        !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation()
                // Added before any exporter, so it runs first: no exporter sees a query value.
                .AddProcessor(new UrlQueryRedaction()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            builder.Services.AddOpenTelemetry().UseAzureMonitor(options => ConfigureAzureMonitor(options, builder.Configuration));
        }

        return builder;
    }

    /// <summary>
    /// The Azure Monitor exporter as Diviora needs it. Since 1.5 the distro samples with a rate-limited sampler (5 traces/s)
    /// that decides in each process on its own: the Worker, whose queue polling alone starts a root span a second, dropped
    /// the run span of an upload the Api had kept, so one upload showed as two operations. A fixed ratio decides from the
    /// trace id's hash, the same way in every service, so an upload and its run are kept or dropped together; 1.0 keeps all.
    /// <c>OTEL_TRACES_SAMPLER</c> (with <c>OTEL_TRACES_SAMPLER_ARG</c>) still picks another sampler when set.
    /// </summary>
    private static void ConfigureAzureMonitor(AzureMonitorOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["OTEL_TRACES_SAMPLER"]))
        {
            options.TracesPerSecond = null;
            options.SamplingRatio = configuration.GetValue("Diviora:Telemetry:SamplingRatio", 1.0F);
        }

        // Live Metrics talks to its own Azure endpoint, and offline storage writes unsent telemetry to disk: both can be
        // turned off, as the tests do with a loopback ingestion endpoint.
        options.EnableLiveMetrics = configuration.GetValue("Diviora:Telemetry:LiveMetrics", true);
        options.DisableOfflineStorage = !configuration.GetValue("Diviora:Telemetry:OfflineStorage", true);
    }

    /// <summary>A liveness check tagged <c>live</c>; readiness checks (storage, queue) are added with the clients.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check must pass: the service is ready) and <c>/alive</c> (the process answers).
    /// They stay mapped outside Development too: Azure Container Apps probes them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Probes carry no token: these two answer anyone, and say only whether the service is ready or alive. They are
        // never rate-limited, so a busy caller cannot make a healthy service look down.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous().DisableRateLimiting();
        return app;
    }
}
