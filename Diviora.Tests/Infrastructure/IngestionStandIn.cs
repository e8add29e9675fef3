using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Diviora.Tests.Infrastructure;

/// <summary>
/// A loopback stand-in of Application Insights' ingestion endpoint: it accepts <c>POST /v2.1/track</c> (newline-delimited
/// JSON envelopes, plain or gzip) and keeps every envelope, so a test can read what the Azure Monitor exporter sent.
/// </summary>
internal sealed class IngestionStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Envelope> _envelopes = new();

    private IngestionStandIn(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapPost("/v2.1/track", TrackAsync);
    }

    /// <summary>The connection string that sends a service's telemetry to a stand-in on <paramref name="port"/>.</summary>
    public static string ConnectionStringFor(int port) =>
        $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{port}/";

    /// <summary>What went wrong reading a request, for a failing test's message.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Every envelope received so far.</summary>
    public IReadOnlyCollection<Envelope> Envelopes => _envelopes;

    /// <summary>Starts a stand-in on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<IngestionStandIn> StartAsync(int port)
    {
        var standIn = new IngestionStandIn(port);
        await standIn._app.StartAsync();
        return standIn;
    }

    private async Task<IResult> TrackAsync(HttpRequest request)
    {
        try
        {
            return await ReadAsync(request);
        }
        catch (Exception e)
        {
            Errors.Enqueue($"{e.GetType().Name}: {e.Message}");
            throw;
        }
    }

    private async Task<IResult> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        if (bytes is [0x1f, 0x8b, ..])
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gzip.CopyToAsync(plain);
            bytes = plain.ToArray();
        }

        var count = 0;
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A line that does not parse is kept as text (every envelope is searched for secrets) and never fails the batch.
            try
            {
                using var document = JsonDocument.Parse(line);
                _envelopes.Enqueue(new Envelope(document.RootElement.Clone(), line));
            }
            catch (JsonException)
            {
                _envelopes.Enqueue(new Envelope(default, line));
            }

            count++;
        }

        return Results.Json(new { itemsReceived = count, itemsAccepted = count, errors = Array.Empty<object>() });
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>One envelope as received: its JSON and its raw text.</summary>
    internal sealed record Envelope(JsonElement Json, string Text)
    {
        /// <summary><c>RequestData</c>, <c>RemoteDependencyData</c>, <c>MessageData</c>, <c>MetricData</c>, ...</summary>
        public string? BaseType => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("data", out var data) && data.TryGetProperty("baseType", out var type) ? type.GetString() : null;

        public JsonElement BaseData => Json.GetProperty("data").GetProperty("baseData");

        public string? Tag(string name) => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("tags", out var tags) && tags.TryGetProperty(name, out var value) ? value.GetString() : null;

        public string? Role => Tag("ai.cloud.role");

        public string? OperationId => Tag("ai.operation.id");

        /// <summary>A custom dimension of a request, dependency or message.</summary>
        public string? Property(string name) =>
            BaseData.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var value) ? value.ToString() : null;

        /// <summary>The names of a <c>MetricData</c> envelope's metrics.</summary>
        public IEnumerable<string> MetricNames =>
            BaseData.TryGetProperty("metrics", out var metrics) ? metrics.EnumerateArray().Select(m => m.GetProperty("name").GetString() ?? "") : [];
    }
}
