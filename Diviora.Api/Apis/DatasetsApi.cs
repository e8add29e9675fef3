using Diviora.Api.Access;
using Diviora.Core.Catalog;
using Diviora.Core.Documents;
using Diviora.Core.Query;
using Diviora.Core.Query.Export;
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
        var api = app.MapGroup("/api/datasets").WithTags("Datasets").RequireAuthorization(AppRoles.Reader);
        api.MapGet("/", ListDatasetsAsync).WithName("ListDatasets").WithSummary("List datasets");
        api.MapGet("/{dataset}", GetDatasetAsync).WithName("GetDataset").WithSummary("Get a dataset and its columns")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{dataset}", PutDatasetAsync).WithName("PutDataset")
            .WithSummary("Create a dataset or change its settings")
            .WithDescription("Settings apply to runs that start after the change: mode (append, upsert or replace), key, " +
                "onInvalidRow (reject or fail), maxRejectedPercent (0-100), nullTokens (values read as null besides an empty unquoted " +
                "field), columns (types, rules and transforms), indexes (built at once when the dataset has rows), documents " +
                "(also keep each record as a JSON document) and charts (up to 20 of { name, type: bar|line|pie|scatter, groupBy: 1-2 " +
                "columns, measures: 1-5 measures, filter }, checked against the dataset's columns once it has them). See docs/ingestion.md and docs/query.md.")
            .Accepts<DatasetSettings>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(AppRoles.Editor);
        api.MapGet("/{dataset}/schema-changes", GetSchemaChangesAsync).WithName("GetSchemaChanges")
            .WithSummary("List the changes runs made to a dataset's schema, oldest first")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{dataset}/rows", GetRowsAsync).WithName("GetRows")
            .WithSummary("Query a page of a dataset's rows")
            .WithDescription("Keys are the column names exactly as in the file; values are typed by column. " +
                "filter: an expression such as country eq 'DE' and amount gt 100 (see docs/query.md); orderBy: amount desc,id; " +
                $"select: id,amount; offset and limit (1-{DatasetQueries.MaxLimit}); cursor: the nextCursor of the previous page, " +
                "for deep pages; count=true counts the rows a filter matches (total). Without orderBy rows come in load order.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{dataset}/documents", GetDocumentsAsync).WithName("GetDocuments")
            .WithSummary("Page the JSON documents of a dataset that keeps documents (\"documents\": true)")
            .WithDescription("limit: 1-1000 (default 100); continuation: the previous page's continuation. Each document is " +
                "{ id, dataset, run, row, record }, record holding the loaded record (JSON sources keep their nesting).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{dataset}/aggregate", GetAggregateAsync).WithName("GetAggregate")
            .WithSummary("Group a dataset's rows and compute measures")
            .WithDescription("groupBy: columns, comma-separated; measures: count(), sum(c), avg(c), min(c), max(c), countdistinct(c); " +
                $"filter as for rows; limit: the most groups answered (1-{DatasetQueries.MaxGroups}, default 1000). Groups are ordered by their values.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{dataset}/profile", GetProfileAsync).WithName("GetProfile")
            .WithSummary("Profile a dataset's columns: counts, extremes, top values and a histogram")
            .WithDescription("column: the column to profile, as named in the file (exact name, else the one matching ignoring case); " +
                "without it every column, in dataset order. Each profile has rows, nulls, distinct (non-null values), min and max " +
                $"(typed as rows are), top (the {DatasetProfiles.TopValues} most frequent non-null values, most frequent first, then by value) and " +
                $"histogram: {DatasetProfiles.Bins} equal-width bins from min to max for integer, decimal, double, date, timestamp and timestamptz " +
                "columns (integer and date bins on whole numbers and days, so fewer when the range is short; one bin when min equals max; " +
                "each bin holds from <= value < to, the last also its to), null for text and boolean columns.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{dataset}/export", GetExportAsync).WithName("ExportRows")
            .WithSummary("Stream every row a query matches as CSV, JSON Lines or Parquet")
            .WithDescription("format: csv (default), jsonl or parquet; filter, orderBy and select as for rows. CSV neutralises text cells " +
                "that spreadsheets would run as formulas (a leading ' before =, +, -, @, tab, CR) unless raw=true.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Ok<DatasetResponse[]>> ListDatasetsAsync(CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        var datasets = await catalog.Datasets.AsNoTracking().OrderBy(d => d.NormalizedName).ToListAsync(cancellationToken);
        // One query for every dataset's latest run; two runs created in the same instant fall to the greater id.
        var latest = (await catalog.Runs.AsNoTracking()
                .Where(r => r.CreatedAt == catalog.Runs.Where(o => o.DatasetId == r.DatasetId).Max(o => o.CreatedAt))
                .ToListAsync(cancellationToken))
            .GroupBy(r => r.DatasetId)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
        return TypedResults.Ok(datasets.Select(d => DatasetResponse.From(d, latest.GetValueOrDefault(d.Id))).ToArray());
    }

    internal static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> GetDatasetAsync(
        string dataset, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        var (found, problem) = await LookUpAsync(catalog, dataset, cancellationToken);
        return found is null ? problem! : TypedResults.Ok(DatasetResponse.From(found, await LatestRunAsync(catalog, found.Id, cancellationToken)));
    }

    private static Task<Run?> LatestRunAsync(CatalogDbContext catalog, int datasetId, CancellationToken cancellationToken) =>
        catalog.Runs.AsNoTracking().Where(r => r.DatasetId == datasetId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);

    internal static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> PutDatasetAsync(
        string dataset, HttpRequest request, CatalogDbContext catalog, IWarehouse warehouse, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        var (json, tooLarge) = await SmallBodies.ReadAsync(request, MaxSettingsBytes, "settings body", "Settings too large", cancellationToken);
        if (json is null)
        {
            return tooLarge!;
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

        if (settings.KeepsDocuments && request.HttpContext.RequestServices.GetService<IDocumentStore>() is null)
        {
            return Problems.BadRequest("Invalid dataset settings", "documents: " + DocumentStoreMissing);
        }

        if (found.Columns.Count > 0 && settings.ValidateCharts([.. found.Columns.OrderBy(c => c.Ordinal)]) is { } chart)
        {
            return Problems.BadRequest("Invalid dataset settings", chart);
        }

        if (DatasetIndexes.Unknown(found, settings) is { } unknown)
        {
            return Problems.BadRequest("Invalid dataset settings", $"indexes: the dataset has no column '{unknown}'.");
        }

        if (found.Columns.Count > 0 && settings.Indexes is { Count: > 0 })
        {
            // Declared indexes serve queries from now on, not only after the next run; one that cannot be built is
            // refused before the settings are kept, so runs never meet it.
            try
            {
                await using var connection = await warehouse.OpenForLoadAsync(cancellationToken);
                await DatasetIndexes.CreateAsync(warehouse, connection, null, found, settings, cancellationToken);
            }
            catch (System.Data.Common.DbException e)
            {
                return Problems.BadRequest("Invalid dataset settings", $"indexes: the warehouse cannot build them on the rows loaded so far: {e.Message}");
            }
        }

        found.Settings = settings.ToJson();
        found.SettingsUpdatedBy = Actor.NameOf(request.HttpContext.User);
        found.SettingsUpdatedAt = time.GetUtcNow().UtcDateTime;
        await catalog.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(DatasetResponse.From(found, await LatestRunAsync(catalog, found.Id, cancellationToken)));
    }

    internal static async Task<Results<Ok<SchemaChangeResponse[]>, ProblemHttpResult>> GetSchemaChangesAsync(
        string dataset, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        var (found, problem) = await LookUpAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var changes = await catalog.SchemaChanges.AsNoTracking().Where(c => c.DatasetId == found.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(changes.Select(c => new SchemaChangeResponse(c.RunId, c.At, c.Kind, c.Column, c.Description)).ToArray());
    }

    internal static async Task<Results<Ok<RowsPage>, ProblemHttpResult>> GetRowsAsync(
        string dataset, CatalogDbContext catalog, DatasetQueries queries, CancellationToken cancellationToken,
        string? filter = null, string? orderBy = null, string? select = null, long offset = 0, int limit = DefaultLimit,
        string? cursor = null, bool count = false)
    {
        var (found, problem) = await LookUpAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        try
        {
            var request = new RowsRequest { Filter = filter, OrderBy = orderBy, Select = select, Offset = offset, Limit = limit, Cursor = cursor, Count = count };
            return TypedResults.Ok(await queries.ReadAsync(found, request, cancellationToken));
        }
        catch (QueryException e)
        {
            return Problems.InvalidQuery(e);
        }
    }

    internal static async Task<Results<Ok<DocumentsPage>, ProblemHttpResult>> GetDocumentsAsync(
        string dataset, CatalogDbContext catalog, IServiceProvider services, CancellationToken cancellationToken,
        int limit = DefaultLimit, string? continuation = null)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        if (limit is < 1 or > DatasetQueries.MaxLimit)
        {
            return Problems.BadRequest("Invalid limit", $"limit must be between 1 and {DatasetQueries.MaxLimit}; it was {limit}.");
        }

        var found = await FindAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return Problems.DatasetNotFound(dataset);
        }

        if (!DatasetSettings.Parse(found.Settings).KeepsDocuments)
        {
            return Problems.BadRequest("No documents", $"Dataset '{found.Name}' does not keep documents: set \"documents\": true in its settings, then load it.");
        }

        if (services.GetService<IDocumentStore>() is not { } documents)
        {
            return Problems.BadRequest("No document store", DocumentStoreMissing);
        }

        return TypedResults.Ok(await documents.ReadPageAsync(found.NormalizedName, limit, continuation, cancellationToken));
    }

    private const string DocumentStoreMissing =
        "No document store is configured: set ConnectionStrings:documents (a Cosmos DB account; the AppHost starts a local stand-in unless Diviora:Documents is false).";

    internal static async Task<Results<Ok<AggregateResult>, ProblemHttpResult>> GetAggregateAsync(
        string dataset, CatalogDbContext catalog, DatasetQueries queries, CancellationToken cancellationToken,
        string? groupBy = null, string? measures = null, string? filter = null, int limit = 1000)
    {
        var (found, problem) = await LookUpAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        try
        {
            return TypedResults.Ok(await queries.AggregateAsync(found, groupBy, measures, filter, limit, cancellationToken));
        }
        catch (QueryException e)
        {
            return Problems.InvalidQuery(e);
        }
    }

    internal static async Task<Results<Ok<ColumnProfile>, Ok<ColumnProfile[]>, ProblemHttpResult>> GetProfileAsync(
        string dataset, CatalogDbContext catalog, DatasetProfiles profiles, CancellationToken cancellationToken, string? column = null)
    {
        var (found, problem) = await LookUpAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        try
        {
            var answer = await profiles.ProfileAsync(found, column, cancellationToken);
            return column is null ? TypedResults.Ok(answer.ToArray()) : TypedResults.Ok(answer[0]);
        }
        catch (QueryException e)
        {
            return Problems.InvalidQuery(e);
        }
    }

    internal static async Task<IResult> GetExportAsync(
        string dataset, CatalogDbContext catalog, DatasetQueries queries, HttpContext context, CancellationToken cancellationToken,
        string format = "csv", string? filter = null, string? orderBy = null, string? select = null, bool raw = false)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        if (!RowExports.Formats.Contains(format))
        {
            return Problems.BadRequest("Invalid format", $"format '{format}' is not one of {string.Join(", ", RowExports.Formats)}.");
        }

        var found = await FindAsync(catalog, dataset, cancellationToken);
        if (found is null)
        {
            return Problems.DatasetNotFound(dataset);
        }

        RowStream rows;
        try
        {
            // Opened before the response starts, so a bad query still answers 400 rather than a broken download.
            rows = await queries.OpenAsync(found, filter, orderBy, select, cancellationToken);
        }
        catch (QueryException e)
        {
            return Problems.InvalidQuery(e);
        }

        context.Response.RegisterForDisposeAsync(rows);
        return TypedResults.Stream(
            body => RowExports.WriteAsync(format, rows, body, raw, cancellationToken),
            RowExports.ContentType(format), $"{found.Name}.{format}");
    }

    /// <summary>The dataset a route names, or the problem to answer instead: 400 for an invalid name, 404 for an unknown one.</summary>
    internal static async Task<(Dataset? Found, ProblemHttpResult? Problem)> LookUpAsync(CatalogDbContext catalog, string name, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(name))
        {
            return (null, Problems.InvalidDatasetName(name));
        }

        var found = await FindAsync(catalog, name, cancellationToken);
        return found is null ? (null, Problems.DatasetNotFound(name)) : (found, null);
    }

    private static Task<Dataset?> FindAsync(CatalogDbContext catalog, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return catalog.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.NormalizedName == normalized, cancellationToken);
    }
}
