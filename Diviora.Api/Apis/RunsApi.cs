using Diviora.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.Apis;

/// <summary>Runs: the status, counts and error of every ingestion.</summary>
public static class RunsApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs").WithTags("Runs");
        api.MapGet("/{id:guid}", GetRunAsync).WithName("GetRun").WithSummary("Get a run").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/", ListRunsAsync).WithName("ListRuns").WithSummary("List the latest runs, newest first").ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> GetRunAsync(
        Guid id, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        var run = await catalog.Runs.AsNoTracking().Include(r => r.Dataset).SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        return run is null
            ? TypedResults.Problem($"There is no run '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Run not found")
            : TypedResults.Ok(RunResponse.From(run));
    }

    internal static async Task<Results<Ok<RunResponse[]>, ProblemHttpResult>> ListRunsAsync(
        CatalogDbContext catalog, CancellationToken cancellationToken, string? dataset = null, int limit = DefaultLimit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest("Invalid limit", $"limit must be between 1 and {MaxLimit}; it was {limit}.");
        }

        var runs = catalog.Runs.AsNoTracking().Include(r => r.Dataset).AsQueryable();
        if (!string.IsNullOrEmpty(dataset))
        {
            if (!DatasetName.IsValid(dataset))
            {
                return Problems.InvalidDatasetName(dataset);
            }

            var normalized = dataset.ToLowerInvariant();
            runs = runs.Where(r => r.Dataset.NormalizedName == normalized);
        }

        var latest = await runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(latest.Select(RunResponse.From).ToArray());
    }
}
