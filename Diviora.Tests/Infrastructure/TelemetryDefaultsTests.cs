using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Diviora.Tests.Infrastructure;

/// <summary>
/// The Azure Monitor exporter as the service defaults set it up: a sampler that decides from the trace id alone, so
/// the Api and the Worker keep or drop an upload's spans together.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TelemetryDefaultsTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private static AzureMonitorOptions Options(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            [new("APPLICATIONINSIGHTS_CONNECTION_STRING", ConnectionString), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))]);
        builder.ConfigureOpenTelemetry();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName);
    }

    [Fact]
    public void Every_trace_is_kept_by_a_fixed_ratio_not_the_distros_per_process_rate_limit()
    {
        var options = Options();
        Assert.Null(options.TracesPerSecond);
        Assert.Equal(1.0F, options.SamplingRatio);
        Assert.True(options.EnableLiveMetrics);
        Assert.False(options.DisableOfflineStorage);
    }

    [Fact]
    public void The_ratio_live_metrics_and_offline_storage_follow_configuration()
    {
        var options = Options(("Diviora:Telemetry:SamplingRatio", "0.25"), ("Diviora:Telemetry:LiveMetrics", "false"), ("Diviora:Telemetry:OfflineStorage", "false"));
        Assert.Equal((null, 0.25F, false, true), (options.TracesPerSecond, options.SamplingRatio, options.EnableLiveMetrics, options.DisableOfflineStorage));
    }

    [Fact]
    public void OTEL_TRACES_SAMPLER_leaves_the_choice_to_the_distro()
    {
        var options = Options(("OTEL_TRACES_SAMPLER", "microsoft.rate_limited"));
        Assert.NotNull(options.TracesPerSecond);
    }

    [Theory]
    [InlineData("http://h/api/runs?status=failed&note=s3cret", "http://h/api/runs?status=Redacted&note=Redacted")]
    [InlineData("?code=abc&flag", "?code=Redacted&flag")]
    [InlineData("a=1&b=2", "a=Redacted&b=Redacted")]
    [InlineData("https://h/p?sig=x%3D#top", "https://h/p?sig=Redacted#top")]
    [InlineData("/api/datasets/sales/uploads", "/api/datasets/sales/uploads")]
    [InlineData("https://h/p?x=Redacted", "https://h/p?x=Redacted")]
    public void Query_values_in_span_urls_are_redacted(string url, string expected) =>
        Assert.Equal(expected, UrlQueryRedaction.Redact(url));
}
