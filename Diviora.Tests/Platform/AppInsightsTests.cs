using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Diviora.Tests.Infrastructure;

namespace Diviora.Tests.Platform;

/// <summary>
/// The real AppHost given an Application Insights connection string whose ingestion endpoint is a loopback stand-in:
/// the AppHost passes it to every service, and the stand-in receives what Application Insights would.
/// </summary>
public sealed class AppInsightsPlatformFixture : PlatformFixture
{
    private static readonly int Port = LocalPorts.Free();

    public AppInsightsPlatformFixture()
        : base([
            $"--APPLICATIONINSIGHTS_CONNECTION_STRING={IngestionStandIn.ConnectionStringFor(Port)}",
            "--APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true",
            // Live Metrics would call its Azure endpoint; offline storage would keep unsent telemetry on disk.
            "--Diviora:Telemetry:LiveMetrics=false",
            "--Diviora:Telemetry:OfflineStorage=false",
            "--Diviora:Documents=false",
        ])
    {
    }

    internal IngestionStandIn Ingestion { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Ingestion = await IngestionStandIn.StartAsync(Port);
        await base.InitializeAsync();
    }

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Export within a second or two instead of the defaults (5 s for spans, 60 s for metrics).
            project.Annotations.Add(new EnvironmentCallbackAnnotation(env =>
            {
                env["OTEL_BSP_SCHEDULE_DELAY"] = "500";
                env["OTEL_BLRP_SCHEDULE_DELAY"] = "500";
                env["OTEL_METRIC_EXPORT_INTERVAL"] = "2000";
            }));
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Ingestion is not null)
        {
            await Ingestion.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppInsightsPlatformCollection : ICollectionFixture<AppInsightsPlatformFixture>
{
    public const string Name = "platform with application insights";
}

[Collection(AppInsightsPlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class AppInsightsTests(AppInsightsPlatformFixture platform)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_upload_and_its_run_are_one_operation_with_metrics_and_logs_and_no_secret()
    {
        // As curl would: no trace context from the test process, so the Api's request starts the operation.
        using var api = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = platform.Api.BaseAddress,
        };
        api.DefaultRequestHeaders.Authorization = platform.Api.DefaultRequestHeaders.Authorization;
        var secret = "ai-secret-" + Guid.NewGuid().ToString("N");
        using (var stored = await api.PutSecretAsync("ai-token", secret))
        {
            Assert.True(stored.IsSuccessStatusCode, $"PUT /api/secrets answered {(int)stored.StatusCode}");
        }

        var token = api.DefaultRequestHeaders.Authorization!.Parameter!;

        using var upload = await api.UploadAsync("ai-sales", $"id,token,amount\n1,{secret},10.5\n2,plain,3\n");
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var run = await api.WaitForRunAsync(upload.Headers.Location!.ToString());
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var runId = run.GetProperty("id").GetString()!;


        var ingestion = platform.Ingestion;
        IngestionStandIn.Envelope? request = null, runSpan = null;
        var metrics = new HashSet<string>();
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < Deadline)
        {
            var envelopes = ingestion.Envelopes.ToList();
            request ??= envelopes.FirstOrDefault(e => e.Role == "api" && e.BaseType == "RequestData"
                && (e.BaseData.TryGetProperty("url", out var url) ? url.GetString() : "")!.Contains("/api/datasets/ai-sales/uploads", StringComparison.Ordinal));
            runSpan ??= envelopes.FirstOrDefault(e => e.Role == "worker" && e.BaseType is "RequestData" or "RemoteDependencyData"
                && string.Equals(e.Property("diviora.run.id"), runId, StringComparison.OrdinalIgnoreCase));
            metrics.UnionWith(envelopes.Where(e => e.BaseType == "MetricData").SelectMany(e => e.MetricNames).Where(n => n.StartsWith("diviora.", StringComparison.Ordinal)));
            // Some request of the api with a query (the Web's overview asks with ?hours=): its values must come out redacted.
            var noted = envelopes.Any(e => e.Role == "api" && e.BaseType == "RequestData"
                && (e.BaseData.TryGetProperty("url", out var url) ? url.GetString() : "")!.Contains('?', StringComparison.Ordinal));
            if (request is not null && runSpan is not null && noted && metrics.Contains("diviora.ingestion.rows_loaded") && metrics.Contains("diviora.queue.depth"))
            {
                break;
            }

            await Task.Delay(500);
        }

        var all = ingestion.Envelopes.ToList();
        var seen = string.Join(", ", all.GroupBy(e => $"{e.Role}/{e.BaseType}").Select(g => $"{g.Key}:{g.Count()}"));
        var urls = all.Where(e => e.Role == "api" && e.BaseType is "RequestData").Select(e => e.BaseData.GetProperty("url").GetString()).ToList();
        Assert.True(request is not null, $"No RequestData from api for the upload among {all.Count} envelopes: {seen}; api requests: {string.Join(" ", urls)}; stand-in errors: {string.Join(" | ", ingestion.Errors)}");
        Assert.True(runSpan is not null, $"No span from worker for run {runId} among {all.Count} envelopes: {seen}");
        Assert.Equal(request.OperationId, runSpan.OperationId);
        Assert.Contains("diviora.ingestion.rows_loaded", metrics);
        Assert.Contains("diviora.ingestion.run_duration", metrics);
        Assert.Contains("diviora.ingestion.queue_wait", metrics);
        Assert.Contains("diviora.queue.depth", metrics);
        Assert.Contains(all, e => e.BaseType == "MessageData" && e.Role == "worker");
        Assert.Contains(all, e => e.BaseType == "MessageData" && e.Role == "api");
        // Query values never leave a service (the redaction itself is unit-tested in TelemetryDefaultsTests).
        var queries = urls.OfType<string>().Where(u => u.Contains('?', StringComparison.Ordinal)).Select(u => u[(u.IndexOf('?', StringComparison.Ordinal) + 1)..]).ToList();
        Assert.NotEmpty(queries);
        Assert.All(queries.SelectMany(q => q.Split('&')), part => Assert.True(!part.Contains('=', StringComparison.Ordinal) || part.EndsWith("=Redacted", StringComparison.Ordinal), part));
        Assert.DoesNotContain(all, e => e.Text.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(all, e => e.Text.Contains(token, StringComparison.Ordinal));
    }
}
