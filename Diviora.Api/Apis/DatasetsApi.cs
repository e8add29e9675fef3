using Diviora.Core.Catalog;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.Apis;

/// <summary>Datasets: their schemas and their rows.</summary>
public static class DatasetsApi
{
    private const int DefaultLimit = 100;
    private const long MaxSettingsBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Datasets");
        api.MapGet("/", ListDatasetsAsync).WithName("ListDatasets").WithSummary("List datasets");
        api.MapGet("/{dataset}", GetDatasetAsync).WithName("GetDataset").WithSummary("Get a dataset and its columns")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{dataset}", PutDatasetAsync).WithName("PutDataset")
            .WithSummary("Create a dataset or change its settings")
            .WithDescription("Settings apply to runs that start after the change: mode (append), onInvalidRow (reject or fail), " +
                "maxRejectedPercent (0-100) and nullTokens (values read as null besides an empty unquoted field).")
            .Accepts<DatasetSettings>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{dataset}/schema-changes", GetSchemaChangesAsync).WithName("GetSchemaChanges")
            .WithSummary("List the changes runs made to a dataset's schema, oldest first")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{dataset}/rows", GetRowsAsync).WithName("GetRows")
            .WithSummary("Read a page of a dataset's rows in load order")
            .WithDescription($"Keys are the column names exactly as in the file; values are typed by column. limit is 1-{DatasetRows.MaxLimit}.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Ok<DatasetResponse[]>> ListDatasetsAsync(CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        var datasets = await catalog.Datasets.AsNoTracking().OrderBy(d => d.NormalizedName).ToListAsync(cancellationToken);
        return TypedResults.Ok(datasets.Select(DatasetResponse.From).ToArray());
    }

    internal static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> GetDatasetAsync(
        string dataset, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        var found = await FindAsync(catalog, dataset, cancellationToken);
        return found is null ? Problems.DatasetNotFound(dataset) : TypedResults.Ok(DatasetResponse.From(found));
    }

    internal static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> PutDatasetAsync(
        string dataset, HttpRequest request, CatalogDbContext catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        // Settings are small; the limit keeps a huge body from being read into memory.
        using var body = new StreamReader(new ByteLimitStream(request.Body, MaxSettingsBytes, limit => new BodyTooLargeException("settings body", limit)));
        string json;
        try
        {
            json = await body.ReadToEndAsync(cancellationToken);
        }
        catch (BodyTooLargeException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Settings too large");
        }

        var settings = DatasetSettings.TryRead(json, out var unreadable);
        if (settings is null)
        {
            return Problems.BadRequest("Invalid dataset settings", unreadable!);
        }

        if (settings.Validate() is { } invalid)
        {
            return Problems.BadRequest("Invalid dataset settings", invalid);
        }

        var normalized = dataset.ToLowerInvariant();
        var found = await catalog.Datasets.SingleOrDefaultAsync(d => d.NormalizedName == normalized, cancellationToken);
        if (found is null)
        {
            found = Dataset.Create(dataset, time.GetUtcNow().UtcDateTime);
            catalog.Datasets.Add(found);
        }

        found.Settings = settings.ToJson();
        await catalog.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(DatasetResponse.From(found));
    }

    internal static async Task<Results<Ok<SchemaChangeResponse[]>, ProblemHttpResult>> GetSchemaChangesAsync(
        string dataset, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        var found = await FindAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return Problems.DatasetNotFound(dataset);
        }

        var changes = await catalog.SchemaChanges.AsNoTracking().Where(c => c.DatasetId == found.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(changes.Select(c => new SchemaChangeResponse(c.RunId, c.At, c.Kind, c.Column, c.Description)).ToArray());
    }

    internal static async Task<Results<Ok<RowsPage>, ProblemHttpResult>> GetRowsAsync(
        string dataset, CatalogDbContext catalog, DatasetRows rows, CancellationToken cancellationToken,
        long offset = 0, int limit = DefaultLimit)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        if (offset < 0)
        {
            return Problems.BadRequest("Invalid offset", $"offset must be 0 or more; it was {offset}.");
        }

        if (limit is < 1 or > DatasetRows.MaxLimit)
        {
            return Problems.BadRequest("Invalid limit", $"limit must be between 1 and {DatasetRows.MaxLimit}; it was {limit}.");
        }

        var found = await FindAsync(catalog, dataset, cancellationToken);
        return found is null
            ? Problems.DatasetNotFound(dataset)
            : TypedResults.Ok(await rows.ReadPageAsync(found, offset, limit, cancellationToken));
    }

    private static Task<Dataset?> FindAsync(CatalogDbContext catalog, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return catalog.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.NormalizedName == normalized, cancellationToken);
    }
}
