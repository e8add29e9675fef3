using Diviora.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.Apis;

/// <summary>The overview a dashboard opens with: totals, the last hours of runs, failures and the backlog.</summary>
public static class OverviewApi
{
    private const int DefaultHours = 24;
    private const int MaxHours = 720;
    private const int LatestFailures = 5;

    public static IEndpointRouteBuilder MapOverviewApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/overview", GetOverviewAsync).WithName("GetOverview").WithTags("Overview").RequireAuthorization(AppRoles.Reader)
            .WithSummary("Datasets, rows and the runs of the last hours at a glance")
            .WithDescription($"hours: the window, 1-{MaxHours} (default {DefaultHours}). runs counts the runs created in the window by their " +
                "status; buckets has one entry per hour of the window, oldest first and ending with the current hour (UTC), counting " +
                "the runs that ended in it and the rows the successful ones loaded; latestFailures holds the 5 latest failed runs and " +
                "backlog the queued and running runs, of any age.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static async Task<Results<Ok<OverviewResponse>, ProblemHttpResult>> GetOverviewAsync(
        CatalogDbContext catalog, TimeProvider time, CancellationToken cancellationToken, int hours = DefaultHours)
    {
        if (hours is < 1 or > MaxHours)
        {
            return Problems.BadRequest("Invalid hours", $"hours must be between 1 and {MaxHours}; it was {hours}.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var currentHour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        var start = currentHour.AddHours(1 - hours);

        var datasets = await catalog.Datasets.CountAsync(cancellationToken);
        var rows = await catalog.Datasets.SumAsync(d => d.RowCount, cancellationToken);

        // Only the window's runs are read; grouping by hour happens here, the same on every catalog provider.
        var window = await catalog.Runs.AsNoTracking()
            .Where(r => r.CreatedAt >= start || r.FinishedAt >= start)
            .Select(r => new { r.Status, r.CreatedAt, r.FinishedAt, r.RowsLoaded })
            .ToListAsync(cancellationToken);

        var created = window.Where(r => r.CreatedAt >= start).CountBy(r => r.Status).ToDictionary();
        var counts = new RunCounts(
            created.GetValueOrDefault(RunStatus.Queued), created.GetValueOrDefault(RunStatus.Running),
            created.GetValueOrDefault(RunStatus.Succeeded), created.GetValueOrDefault(RunStatus.Failed));

        var buckets = new (int Succeeded, int Failed, long RowsLoaded)[hours];
        foreach (var run in window)
        {
            if (run.FinishedAt is not { } finished || finished < start || run.Status is not (RunStatus.Succeeded or RunStatus.Failed))
            {
                continue;
            }

            // A run that ended after "now" by a clock's skew still counts in the current hour.
            var index = Math.Min(hours - 1, (int)((finished - start).Ticks / TimeSpan.TicksPerHour));
            buckets[index] = run.Status == RunStatus.Succeeded
                ? (buckets[index].Succeeded + 1, buckets[index].Failed, buckets[index].RowsLoaded + run.RowsLoaded)
                : (buckets[index].Succeeded, buckets[index].Failed + 1, buckets[index].RowsLoaded);
        }

        var failures = await catalog.Runs.AsNoTracking().Include(r => r.Dataset)
            .Where(r => r.Status == RunStatus.Failed)
            .OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Take(LatestFailures)
            .ToListAsync(cancellationToken);

        var waiting = await catalog.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .GroupBy(r => r.Status)
            .Select(g => new { Status = g.Key, Count = g.Count(), Oldest = g.Min(r => r.CreatedAt) })
            .ToListAsync(cancellationToken);
        var queued = waiting.SingleOrDefault(w => w.Status == RunStatus.Queued);
        var oldest = queued is null ? (DateTime?)null : DateTime.SpecifyKind(queued.Oldest, DateTimeKind.Utc);
        var backlog = new Backlog(queued?.Count ?? 0, waiting.SingleOrDefault(w => w.Status == RunStatus.Running)?.Count ?? 0, oldest);

        return TypedResults.Ok(new OverviewResponse(
            datasets, rows, counts,
            [.. buckets.Select((b, i) => new OverviewBucket(start.AddHours(i), b.Succeeded, b.Failed, b.RowsLoaded))],
            [.. failures.Select(RunResponse.From)],
            backlog));
    }
}
