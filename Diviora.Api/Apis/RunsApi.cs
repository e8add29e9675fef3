using System.Security.Claims;
using Diviora.Api.Access;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Messaging;
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
        var api = app.MapGroup("/api/runs").WithTags("Runs").RequireAuthorization(AppRoles.Reader);
        api.MapGet("/{id:guid}", GetRunAsync).WithName("GetRun").WithSummary("Get a run").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id:guid}/rejects", GetRejectsAsync).WithName("GetRejects")
            .WithSummary("Page through a run's rejected rows: row number, column, value and reason")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id:guid}/rejects.csv", DownloadRejectsAsync).WithName("DownloadRejects")
            .WithSummary("Download a run's rejected rows as CSV")
            .WithDescription("Columns rowNumber, column, value and reason. A column, value or reason that spreadsheets would run as a " +
                "formula gets a leading ' (before =, +, -, @, tab, CR; a value that is just a negative number such as -5 stays as it is), " +
                "as in the CSV export, unless raw=true. The rejects endpoint gives the values exactly as they came.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id:guid}/replay", ReplayRunAsync).WithName("ReplayRun")
            .WithSummary("Load an ended run's stored payload again, as a new run")
            .WithDescription("Queues a new run of the same dataset that reads the payload the run stored (the uploaded file, the pages or rows a " +
                "source fetched, a dropped file) with the same format options and source mapping, under the dataset's settings as they are now: " +
                "after fixing a setting, replay the runs it failed. Answers 202 with the new run's id, like an upload. A replay fetches nothing " +
                "and never moves a source's cursor. 409 while the run has not ended, and for a source's run that fetched no record.")
            .Produces<UploadAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(AppRoles.Editor);
        api.MapGet("/", ListRunsAsync).WithName("ListRuns").WithSummary("List the latest runs, newest first")
            .WithDescription($"dataset: only that dataset's runs; status: Queued, Running, Succeeded or Failed, in any letter case, several " +
                $"separated by commas (status=queued,running); source: only the runs a source started; limit: 1-{MaxLimit} (default {DefaultLimit}).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> GetRunAsync(
        Guid id, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        var run = await catalog.Runs.AsNoTracking().Include(r => r.Dataset).SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        return run is null ? RunNotFound(id) : TypedResults.Ok(RunResponse.From(run));
    }

    internal static async Task<Results<Ok<RejectsPage>, ProblemHttpResult>> GetRejectsAsync(
        Guid id, CatalogDbContext catalog, RejectsReader rejects, CancellationToken cancellationToken, long offset = 0, int limit = 100)
    {
        if (offset < 0 || limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest("Invalid page", $"offset must be 0 or more and limit between 1 and {MaxLimit}; they were {offset} and {limit}.");
        }

        var run = await catalog.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null)
        {
            return RunNotFound(id);
        }

        return TypedResults.Ok(run.RejectsBlob is null
            ? new RejectsPage(0, [], null)
            : new RejectsPage(run.RowsRejected, await rejects.ReadPageAsync(run.RejectsBlob, offset, limit, cancellationToken), $"/api/runs/{id}/rejects.csv"));
    }

    internal static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> DownloadRejectsAsync(
        Guid id, HttpContext context, CatalogDbContext catalog, IRejectsStore rejects, CancellationToken cancellationToken, bool raw = false)
    {
        var run = await catalog.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run?.RejectsBlob is null)
        {
            return run is null ? RunNotFound(id) : TypedResults.Problem($"Run '{id}' rejected no rows.", statusCode: StatusCodes.Status404NotFound, title: "No rejects");
        }

        // The file is stored as the values came; what a person downloads is written again with formulas neutralised.
        var stored = await rejects.OpenReadAsync(run.RejectsBlob, cancellationToken);
        context.Response.RegisterForDisposeAsync(stored);
        return TypedResults.Stream(body => RejectsCsv.WriteForPeopleAsync(stored, body, raw, cancellationToken), "text/csv; charset=utf-8", $"rejects-{id:N}.csv");
    }

    internal static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> ReplayRunAsync(
        Guid id, ClaimsPrincipal user, CatalogDbContext catalog, IIngestionQueue queue, TimeProvider time, CancellationToken cancellationToken)
    {
        var original = await catalog.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (original is null)
        {
            return RunNotFound(id);
        }

        if (original.Status is not (RunStatus.Succeeded or RunStatus.Failed))
        {
            return TypedResults.Problem($"Run '{id}' is still {original.Status.ToString().ToLowerInvariant()}: replay it once it has ended.",
                statusCode: StatusCodes.Status409Conflict, title: "Run not ended");
        }

        if (original.SourceId is not null && (original.FetchMilliseconds is null || original.SizeBytes == 0))
        {
            return TypedResults.Problem($"Run '{id}' of source '{original.SourceName}' stored no payload (its fetch found no record, or failed): there is nothing to replay.",
                statusCode: StatusCodes.Status409Conflict, title: "Nothing to replay");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var replay = original.Replay(Guid.CreateVersion7(), Actor.NameOf(user), now);
        catalog.Runs.Add(replay);
        await catalog.SaveChangesAsync(cancellationToken);
        return await RunQueueing.SendOrFailAsync(catalog, queue, replay, now) is { } notQueued
            ? TypedResults.Problem(notQueued, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Queue unavailable")
            : TypedResults.Accepted($"/api/runs/{replay.Id}", new UploadAccepted(replay.Id, nameof(RunStatus.Queued)));
    }

    private static ProblemHttpResult RunNotFound(Guid id) =>
        TypedResults.Problem($"There is no run '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Run not found");

    internal static async Task<Results<Ok<RunResponse[]>, ProblemHttpResult>> ListRunsAsync(
        CatalogDbContext catalog, CancellationToken cancellationToken, string? dataset = null, int limit = DefaultLimit, string? status = null,
        string? source = null)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest("Invalid limit", $"limit must be between 1 and {MaxLimit}; it was {limit}.");
        }

        var runs = catalog.Runs.AsNoTracking().Include(r => r.Dataset).AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (StatusesOf(status, out var statuses) is { } bad)
            {
                return Problems.BadRequest("Invalid status", $"status '{bad}' is not one of {string.Join(", ", Enum.GetNames<RunStatus>())}.");
            }

            runs = runs.Where(r => statuses.Contains(r.Status));
        }

        if (!string.IsNullOrEmpty(dataset))
        {
            if (!DatasetName.IsValid(dataset))
            {
                return Problems.InvalidDatasetName(dataset);
            }

            var normalized = dataset.ToLowerInvariant();
            runs = runs.Where(r => r.Dataset.NormalizedName == normalized);
        }

        if (!string.IsNullOrEmpty(source))
        {
            if (!DatasetName.IsValid(source))
            {
                return Problems.InvalidSourceName(source);
            }

            var normalized = source.ToLowerInvariant();
            var sourceId = await catalog.Sources.Where(s => s.NormalizedName == normalized).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(cancellationToken);
            runs = runs.Where(r => sourceId != null && r.SourceId == sourceId);
        }

        var latest = await runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(latest.Select(RunResponse.From).ToArray());
    }

    /// <summary>Reads the statuses a comma-separated list names, in any letter case; returns the first name that is not one, or null.</summary>
    private static string? StatusesOf(string list, out List<RunStatus> statuses)
    {
        statuses = [];
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries))
        {
            // Enum.TryParse also takes numbers ("2"); only the names are statuses here.
            if (int.TryParse(name, out _) || !Enum.TryParse<RunStatus>(name, ignoreCase: true, out var parsed))
            {
                return name;
            }

            statuses.Add(parsed);
        }

        return null;
    }
}
