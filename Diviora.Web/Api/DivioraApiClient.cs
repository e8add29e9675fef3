using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Diviora.Web.Api;

/// <summary>
/// The Web's only way to data: the Diviora Api over HTTP, found by service discovery. Quick reads go through
/// <paramref name="http"/> (short timeouts, one retry); uploads, downloads and reads that may scan a whole dataset
/// (profiles, aggregates) through <paramref name="transfers"/>, with no timeout and no retry, cancelled when the
/// person leaves the page instead. Every request carries the signed-in person's own access token from
/// <paramref name="accessToken"/>, so the Api's role checks apply to people.
/// </summary>
public sealed class DivioraApiClient(HttpClient http, HttpClient transfers, Func<CancellationToken, ValueTask<string?>>? accessToken = null)
{
    /// <summary>The client the dependency injection container builds: both clients from the factory, and the person's tokens.</summary>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public DivioraApiClient(HttpClient http, IHttpClientFactory clients, Identity.UserTokens tokens)
        : this(http, clients.CreateClient(Extensions.Extensions.TransferClient), tokens.GetAccessTokenAsync)
    {
    }

    public Task<OverviewSummary> GetOverviewAsync(int hours, CancellationToken cancellationToken = default) =>
        GetAsync<OverviewSummary>($"/api/overview?hours={hours}", cancellationToken);

    public async Task<IReadOnlyList<DatasetSummary>> GetDatasetsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<DatasetSummary[]>("/api/datasets", cancellationToken);

    /// <summary>The dataset, or null when there is none of that name.</summary>
    public async Task<DatasetSummary?> GetDatasetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/datasets/{Escape(name)}", null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<DatasetSummary>(response, cancellationToken);
    }

    /// <summary>Replaces a dataset's settings; the Api's message names what it refused.</summary>
    public Task<DatasetSummary> PutSettingsAsync(string name, JsonObject settings, CancellationToken cancellationToken = default) =>
        SendJsonAsync<DatasetSummary>(HttpMethod.Put, $"/api/datasets/{Escape(name)}", settings, cancellationToken);

    public async Task<IReadOnlyList<SchemaChange>> GetSchemaChangesAsync(string name, CancellationToken cancellationToken = default) =>
        await GetAsync<SchemaChange[]>($"/api/datasets/{Escape(name)}/schema-changes", cancellationToken);

    public Task<RowsPage> GetRowsAsync(string dataset, RowsQuery query, CancellationToken cancellationToken = default) =>
        GetAsync<RowsPage>($"/api/datasets/{Escape(dataset)}/rows{query.ToQueryString()}", cancellationToken);

    public Task<AggregateResult> GetAggregateAsync(string dataset, string groupBy, string measures, string? filter, int limit, CancellationToken cancellationToken = default) =>
        GetLongAsync<AggregateResult>(
            $"/api/datasets/{Escape(dataset)}/aggregate?groupBy={Escape(groupBy)}&measures={Escape(measures)}&limit={limit}" +
            (string.IsNullOrWhiteSpace(filter) ? "" : "&filter=" + Escape(filter)),
            cancellationToken);

    public Task<ColumnProfile> GetProfileAsync(string dataset, string column, CancellationToken cancellationToken = default) =>
        GetLongAsync<ColumnProfile>($"/api/datasets/{Escape(dataset)}/profile?column={Escape(column)}", cancellationToken);

    public async Task<IReadOnlyList<RunSummary>> GetRunsAsync(RunsQuery query, CancellationToken cancellationToken = default) =>
        await GetAsync<RunSummary[]>("/api/runs" + query.ToQueryString(), cancellationToken);

    /// <summary>The run, or null when there is none with that id.</summary>
    public async Task<RunSummary?> GetRunAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/runs/{id}", null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<RunSummary>(response, cancellationToken);
    }

    public Task<RejectsPage> GetRejectsAsync(Guid run, long offset, int limit, CancellationToken cancellationToken = default) =>
        GetAsync<RejectsPage>($"/api/runs/{run}/rejects?offset={offset}&limit={limit}", cancellationToken);

    /// <summary>Asks the Api what a file is from its first bytes.</summary>
    public async Task<DetectedFile> DetectAsync(string fileName, ReadOnlyMemory<byte> sample, UploadFormat format, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(sample);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(HttpMethod.Post, $"/api/uploads/detect?fileName={Escape(fileName)}{format.ToQuery()}", content, cancellationToken);
        return await ReadAsync<DetectedFile>(response, cancellationToken);
    }

    /// <summary>
    /// The Api's answer to an upload the browser sent itself (through the Web's <c>/upload</c> pass-through): the queued
    /// run, or an <see cref="ApiException"/> with the Api's message.
    /// </summary>
    public static async Task<UploadAccepted> ReadUploadAnswerAsync(int status, string body, CancellationToken cancellationToken = default)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return await ReadAsync<UploadAccepted>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<SourceSummary>> GetSourcesAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<SourceSummary[]>("/api/sources", cancellationToken);

    /// <summary>The source, or null when there is none of that name.</summary>
    public async Task<SourceSummary?> GetSourceAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/sources/{Escape(name)}", null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<SourceSummary>(response, cancellationToken);
    }

    /// <summary>Creates a source; the Api's message starts with the first field it refused (<c>rest.url ...</c>).</summary>
    public Task<SourceSummary> CreateSourceAsync(JsonObject definition, CancellationToken cancellationToken = default) =>
        SendJsonAsync<SourceSummary>(HttpMethod.Post, "/api/sources", definition, cancellationToken);

    /// <summary>Replaces a source's definition (or creates it).</summary>
    public Task<SourceSummary> PutSourceAsync(string name, JsonObject definition, CancellationToken cancellationToken = default) =>
        SendJsonAsync<SourceSummary>(HttpMethod.Put, $"/api/sources/{Escape(name)}", definition, cancellationToken);

    public async Task DeleteSourceAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/api/sources/{Escape(name)}", null, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
    }

    /// <summary>Queues a new run that reads an ended run's stored payload again, under the dataset's settings as they are now.</summary>
    public async Task<UploadAccepted> ReplayRunAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/runs/{id}/replay", null, cancellationToken);
        return await ReadAsync<UploadAccepted>(response, cancellationToken);
    }

    /// <summary>Queues a run of the source now; refused (409) while one is queued or running, and for a drop zone.</summary>
    public async Task<UploadAccepted> RunSourceAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/sources/{Escape(name)}/runs", null, cancellationToken);
        return await ReadAsync<UploadAccepted>(response, cancellationToken);
    }

    /// <summary>Fetches a definition's first records without keeping anything. The source may be slow, so no short timeout.</summary>
    public Task<SourceTestResult> TestSourceAsync(JsonObject definition, CancellationToken cancellationToken = default)
    {
        var content = new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json");
        return LongAsync<SourceTestResult>(HttpMethod.Post, "/api/sources/test", content, cancellationToken);
    }

    public async Task<IReadOnlyList<SecretSummary>> GetSecretsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<SecretSummary[]>("/api/secrets", cancellationToken);

    /// <summary>Stores a secret's value, bound to <paramref name="allowedHosts"/>; nothing ever reads the value back.</summary>
    public async Task PutSecretAsync(string name, string value, IReadOnlyList<string> allowedHosts, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["value"] = value, ["allowedHosts"] = new JsonArray([.. allowedHosts.Select(h => (JsonNode?)JsonValue.Create(h))]) };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Put, $"/api/secrets/{Escape(name)}", content, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
    }

    public async Task DeleteSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/api/secrets/{Escape(name)}", null, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
    }

    /// <summary>How long a profile, an aggregate or a source test may take before the Api counts as not answering.</summary>
    public static readonly TimeSpan LongReadTimeout = TimeSpan.FromMinutes(2);

    private Task<T> GetLongAsync<T>(string pathAndQuery, CancellationToken cancellationToken) =>
        LongAsync<T>(HttpMethod.Get, pathAndQuery, null, cancellationToken);

    private async Task<T> LongAsync<T>(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(LongReadTimeout);
        using var request = new HttpRequestMessage(method, pathAndQuery) { Content = content };
        try
        {
            using var response = await Send(transfers, request, HttpCompletionOption.ResponseContentRead, limit.Token);
            return await ReadAsync<T>(response, limit.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiUnavailableException(new TimeoutException($"no answer within {LongReadTimeout.TotalMinutes:0} minutes", e));
        }
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(method, path, content, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<T> GetAsync<T>(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, pathAndQuery, null, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken) =>
        Send(http, new HttpRequestMessage(method, pathAndQuery) { Content = content }, HttpCompletionOption.ResponseContentRead, cancellationToken);

    private async Task<HttpResponseMessage> Send(HttpClient client, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (accessToken is not null && await accessToken(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            return await client.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ApiUnavailableException(e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiUnavailableException(e);
        }
        catch (Polly.Timeout.TimeoutRejectedException e)
        {
            throw new ApiUnavailableException(e);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await ThrowIfFailedAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new ApiException("The Api answered with an empty body.", (int)response.StatusCode, null);
    }

    /// <summary>An answer other than 2xx as an <see cref="ApiException"/> with the Api's message.</summary>
    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await TryReadProblemAsync(response, cancellationToken);
            throw new ApiException(
                problem?.Detail ?? problem?.Title ?? $"The Api answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                (int)response.StatusCode,
                problem?.Extensions.TryGetValue("parameter", out var parameter) == true ? parameter?.ToString() : null);
        }
    }

    private static async Task<ProblemDetails?> TryReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    internal static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>An error the Api reported, with its message for people and the query parameter it names, if any.</summary>
public class ApiException(string message, int status, string? parameter, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;

    public string? Parameter { get; } = parameter;
}

/// <summary>The Api did not answer at all: it is down, restarting or unreachable.</summary>
public sealed class ApiUnavailableException(Exception inner)
    : ApiException($"The Diviora Api is not answering ({inner.Message}). Its data will show again as soon as it is back.", 0, null, inner);
