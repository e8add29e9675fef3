using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Diviora.Web.Api;

/// <summary>The Web's only way to data: the Diviora Api over HTTP, found by service discovery.</summary>
public sealed class DivioraApiClient(HttpClient http)
{
    public async Task<IReadOnlyList<DatasetSummary>> GetDatasetsAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<DatasetSummary[]>("/api/datasets", cancellationToken) ?? [];

    public async Task<DatasetSummary?> GetDatasetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/datasets/{Uri.EscapeDataString(name)}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound
            ? null
            : await ReadAsync<DatasetSummary>(response, cancellationToken);
    }

    public async Task<RowsPage> GetRowsAsync(string dataset, long offset, int limit, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/datasets/{Uri.EscapeDataString(dataset)}/rows?offset={offset}&limit={limit}", cancellationToken);
        return await ReadAsync<RowsPage>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<RunSummary>> GetRunsAsync(string? dataset = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        var query = dataset is null ? $"?limit={limit}" : $"?dataset={Uri.EscapeDataString(dataset)}&limit={limit}";
        return await http.GetFromJsonAsync<RunSummary[]>("/api/runs" + query, cancellationToken) ?? [];
    }

    public async Task<RunSummary> GetRunAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/runs/{id}", cancellationToken);
        return await ReadAsync<RunSummary>(response, cancellationToken);
    }

    /// <summary>Streams a file to the Api; the Api answers with the queued run.</summary>
    public async Task<UploadAccepted> UploadAsync(string dataset, string fileName, Stream content, string? contentType, CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(content, 1 << 16);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType);
        form.Add(file, "file", fileName);
        using var response = await http.PostAsync($"/api/datasets/{Uri.EscapeDataString(dataset)}/uploads", form, cancellationToken);
        return await ReadAsync<UploadAccepted>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await TryReadProblemAsync(response, cancellationToken);
            throw new ApiException(problem?.Detail ?? problem?.Title ?? $"The Api answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new ApiException("The Api answered with an empty body.");
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
}

/// <summary>An error the Api reported, with its message for people.</summary>
public sealed class ApiException(string message) : Exception(message);

public sealed record DatasetSummary(string Name, long RowCount, DateTime? UpdatedAt, IReadOnlyList<ColumnSummary> Columns);

public sealed record ColumnSummary(string Name, string Type, bool Nullable);

public sealed record RowsPage(long? Total, IReadOnlyList<Dictionary<string, JsonElement>> Rows, string? NextCursor = null);

public sealed record RunSummary(
    Guid Id, string Dataset, string Status, long RowsRead, long RowsLoaded, long RowsRejected, string? Error,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt)
{
    public bool HasEnded => Status is "Succeeded" or "Failed";
}

public sealed record UploadAccepted(Guid RunId, string Status);
