using System.Security.Claims;
using Diviora.Api.Access;
using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Network;
using Diviora.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.Apis;

/// <summary>Sources: the definitions of what Diviora pulls from or watches, and when.</summary>
public static class SourcesApi
{
    private const long MaxDefinitionBytes = 256 * 1024;

    private const string DefinitionHelp =
        "A source: { name, kind: rest|database|dropzone, dataset, schedule (5-field cron, null for manual), timeZone (IANA id, default UTC), " +
        "enabled, mapping: { columns: { from: to }, constants: { column: value } }, and the block of its kind: rest { url, headers, recordsPath, " +
        "pagination, incremental }, database { provider, connection (a secret:name reference), query, incremental } or dropzone { prefix } }. " +
        "Credentials are secret:name references, never values: a literal Authorization, Cookie or *key*/*token*/*secret*/*password* header is refused. " +
        "Answers carry nextRunAt (null when disabled or manual) and lastRunAt. See docs/sources.md.";

    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sources").WithTags("Sources").RequireAuthorization(AppRoles.Reader);
        api.MapGet("/", ListSourcesAsync).WithName("ListSources").WithSummary("List sources by name");
        api.MapPost("/", CreateSourceAsync).WithName("CreateSource").WithSummary("Create a source")
            .WithDescription(DefinitionHelp).Accepts<SourceDefinition>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(AppRoles.Editor);
        api.MapGet("/{name}", GetSourceAsync).WithName("GetSource").WithSummary("Get a source")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{name}", PutSourceAsync).WithName("PutSource").WithSummary("Create a source or replace its definition")
            .WithDescription(DefinitionHelp + " The body's name may be left out; when given it must be the path's, ignoring case.")
            .Accepts<SourceDefinition>("application/json").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(AppRoles.Editor);
        api.MapPost("/{name}/runs", RunSourceAsync).WithName("RunSource").WithSummary("Start a run of a source now")
            .WithDescription("Queues a run of a REST or database source, as its schedule would, and answers 202 with the run id; poll the run at " +
                "the Location given. The worker fetches the payload (every page, or the query's rows) into Blob Storage, then loads it like " +
                "an upload. 409 when a run of the source is still queued or running (runs of a source never overlap), and for a drop-zone " +
                "source, whose runs start when files arrive.")
            .Produces<UploadAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(AppRoles.Editor);
        api.MapPost("/test", TestSourceAsync).WithName("TestSource").WithSummary("Fetch a source's first records without storing them")
            .WithDescription("Send a source definition (as for create; the name may be left out). The answer is ok with up to " +
                $"{SourcePayloads.MaxPreviewRecords} records: the first page of a REST source, the first rows of a database query (from the " +
                "start, not from the cursor), or the files waiting under a drop zone's prefix; or ok false with the error, which names the " +
                "status or the driver's message but never a secret. A definition that does not validate answers 400.")
            .Accepts<SourceDefinition>("application/json").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(AppRoles.Editor)
            .RequireRateLimiting(RateLimitExtensions.SourceTests);
        api.MapDelete("/{name}", DeleteSourceAsync).WithName("DeleteSource").WithSummary("Delete a source")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(AppRoles.Admin);
        return app;
    }

    internal static async Task<Ok<SourceResponse[]>> ListSourcesAsync(CatalogDbContext catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var sources = await catalog.Sources.AsNoTracking().OrderBy(s => s.NormalizedName).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Every source's latest run in one query: the list is polled every few seconds by the dashboard.
        var lastRuns = await catalog.Runs.AsNoTracking()
            .Where(r => r.SourceId != null && r.CreatedAt == catalog.Runs.Where(x => x.SourceId == r.SourceId).Max(x => x.CreatedAt))
            .ToListAsync(cancellationToken);
        var latest = lastRuns.GroupBy(r => r.SourceId!.Value).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
        return TypedResults.Ok(sources.Select(s => SourceResponse.From(s, now, latest.GetValueOrDefault(s.Id))).ToArray());
    }

    internal static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> RunSourceAsync(
        string name, ClaimsPrincipal user, CatalogDbContext catalog, IIngestionQueue queue, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(name))
        {
            return Problems.InvalidSourceName(name);
        }

        var source = await FindAsync(catalog, name, cancellationToken);
        if (source is null)
        {
            return Problems.SourceNotFound(name);
        }

        if (source.Kind == SourceKinds.Dropzone)
        {
            var prefix = SourceDefinition.From(source).Dropzone!.Prefix;
            return TypedResults.Problem(
                $"Source '{source.Name}' is a drop zone: it runs when a file arrives. Write the file under '{prefix}' in the '{IncomingStore.ContainerName}' container.",
                statusCode: StatusCodes.Status409Conflict, title: "Drop zones run on arrival");
        }

        try
        {
            var start = await SourceRuns.StartPullAsync(catalog, queue, source, Actor.NameOf(user), time.GetUtcNow().UtcDateTime, cancellationToken);
            if (start.Started is not { } run)
            {
                return TypedResults.Problem(
                    start.Active is { } active
                        ? $"Run {active.Id} of source '{source.Name}' is still {active.Status.ToString().ToLowerInvariant()}; a source runs one at a time."
                        : $"Another run of source '{source.Name}' was started a moment ago; a source runs one at a time.",
                    statusCode: StatusCodes.Status409Conflict, title: "Source is running");
            }

            return TypedResults.Accepted($"/api/runs/{run.Id}", new UploadAccepted(run.Id, nameof(RunStatus.Queued)));
        }
        catch (SourceRunException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Queue unavailable");
        }
    }

    internal static async Task<Results<Ok<SourceTestResponse>, ProblemHttpResult>> TestSourceAsync(
        HttpRequest request, SourcePayloads payloads, CancellationToken cancellationToken)
    {
        var (json, tooLarge) = await SmallBodies.ReadAsync(request, MaxDefinitionBytes, "source definition", "Definition too large", cancellationToken);
        if (json is null)
        {
            return tooLarge!;
        }

        var definition = SourceDefinition.TryRead(json, out var unreadable);
        if (definition is null)
        {
            return Problems.InvalidSource(unreadable!);
        }

        // A draft being tested need not be named yet.
        definition = definition with { Name = string.IsNullOrWhiteSpace(definition.Name) ? "draft" : definition.Name };
        if (definition.Validate() is { } invalid)
        {
            return Problems.InvalidSource(invalid);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var records = await payloads.PreviewAsync(definition, null, cancellationToken);
            return TypedResults.Ok(new SourceTestResponse(true, null, records, Elapsed(started)));
        }
        catch (SourceFetchException e)
        {
            return TypedResults.Ok(new SourceTestResponse(false, e.Message, [], Elapsed(started)));
        }
    }

    private static long Elapsed(long started) => (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static Task<Run?> LastRunAsync(CatalogDbContext catalog, Guid sourceId, CancellationToken cancellationToken) =>
        catalog.Runs.AsNoTracking().Where(r => r.SourceId == sourceId).OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync(cancellationToken);

    internal static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> GetSourceAsync(
        string name, CatalogDbContext catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(name))
        {
            return Problems.InvalidSourceName(name);
        }

        var found = await FindAsync(catalog, name, cancellationToken);
        return found is null
            ? Problems.SourceNotFound(name)
            : TypedResults.Ok(SourceResponse.From(found, time.GetUtcNow(), await LastRunAsync(catalog, found.Id, cancellationToken)));
    }

    internal static async Task<Results<Created<SourceResponse>, ProblemHttpResult>> CreateSourceAsync(
        HttpRequest request, ClaimsPrincipal user, CatalogDbContext catalog, SourceNetworkPolicy policy, TimeProvider time, CancellationToken cancellationToken)
    {
        var (definition, problem) = await ReadAsync(request, null, policy, cancellationToken);
        if (definition is null)
        {
            return problem!;
        }

        if (await OverlappingDropzoneAsync(catalog, definition, cancellationToken) is { } overlap)
        {
            return overlap;
        }

        var now = time.GetUtcNow();
        var source = definition.ToSource(now.UtcDateTime);
        source.CreatedBy = source.UpdatedBy = Actor.NameOf(user);
        if (await FindAsync(catalog, source.Name, cancellationToken) is { } existing)
        {
            return Problems.SourceExists(existing.Name);
        }

        catalog.Sources.Add(source);
        try
        {
            await catalog.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request may have created the same name between the look-up and the insert.
            if (await FindAsync(catalog, source.Name, cancellationToken) is { } raced)
            {
                return Problems.SourceExists(raced.Name);
            }

            throw;
        }

        return TypedResults.Created(Location(source), SourceResponse.From(source, now));
    }

    internal static async Task<Results<Ok<SourceResponse>, Created<SourceResponse>, ProblemHttpResult>> PutSourceAsync(
        string name, HttpRequest request, ClaimsPrincipal user, CatalogDbContext catalog, SourceNetworkPolicy policy, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(name))
        {
            return Problems.InvalidSourceName(name);
        }

        var (definition, problem) = await ReadAsync(request, name, policy, cancellationToken);
        if (definition is null)
        {
            return problem!;
        }

        if (await OverlappingDropzoneAsync(catalog, definition, cancellationToken) is { } overlap)
        {
            return overlap;
        }

        var now = time.GetUtcNow();
        var normalized = name.ToLowerInvariant();
        var found = await catalog.Sources.SingleOrDefaultAsync(s => s.NormalizedName == normalized, cancellationToken);
        if (found is null)
        {
            found = definition.ToSource(now.UtcDateTime);
            found.CreatedBy = found.UpdatedBy = Actor.NameOf(user);
            catalog.Sources.Add(found);
            await catalog.SaveChangesAsync(cancellationToken);
            return TypedResults.Created(Location(found), SourceResponse.From(found, now));
        }

        definition.ApplyTo(found, now.UtcDateTime);
        found.UpdatedBy = Actor.NameOf(user);
        await catalog.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SourceResponse.From(found, now));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteSourceAsync(string name, CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(name))
        {
            return Problems.InvalidSourceName(name);
        }

        var normalized = name.ToLowerInvariant();
        var deleted = await catalog.Sources.Where(s => s.NormalizedName == normalized).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? Problems.SourceNotFound(name) : TypedResults.NoContent();
    }

    /// <summary>
    /// The body as a valid definition, or the problem to answer. <paramref name="pathName"/> is the PUT's name: the
    /// body may leave its name out, and must not name another source. A URL or server written as an address the
    /// network policy refuses is a bad definition.
    /// </summary>
    private static async Task<(SourceDefinition? Definition, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, string? pathName, SourceNetworkPolicy policy, CancellationToken cancellationToken)
    {
        var (json, tooLarge) = await SmallBodies.ReadAsync(request, MaxDefinitionBytes, "source definition", "Definition too large", cancellationToken);
        if (json is null)
        {
            return (null, tooLarge);
        }

        var definition = SourceDefinition.TryRead(json, out var unreadable);
        if (definition is null)
        {
            return (null, Problems.InvalidSource(unreadable!));
        }

        if (pathName is not null)
        {
            if (definition.Name is not null && !definition.Name.Equals(pathName, StringComparison.OrdinalIgnoreCase))
            {
                return (null, Problems.InvalidSource($"name '{definition.Name}' in the body is not '{pathName}', the name in the path."));
            }

            definition = definition with { Name = pathName };
        }

        if (definition.Validate() is { } invalid)
        {
            return (null, Problems.InvalidSource(invalid));
        }

        return SourceReach.Check(definition, policy) is { } unreachable
            ? (null, Problems.InvalidSource(unreachable))
            : (definition, null);
    }

    /// <summary>
    /// A 409 when a drop zone's prefix holds, or lies inside, another drop-zone source's: a file there would belong to
    /// both. Null otherwise.
    /// </summary>
    private static async Task<ProblemHttpResult?> OverlappingDropzoneAsync(CatalogDbContext catalog, SourceDefinition definition, CancellationToken cancellationToken)
    {
        if (definition.Dropzone?.Prefix is not { } prefix)
        {
            return null;
        }

        var normalized = definition.Name!.ToLowerInvariant();
        var others = await catalog.Sources.AsNoTracking().Where(s => s.Kind == SourceKinds.Dropzone && s.NormalizedName != normalized).ToListAsync(cancellationToken);
        foreach (var other in others)
        {
            if (SourceDefinition.From(other).Dropzone?.Prefix is { } taken
                && (prefix.StartsWith(taken, StringComparison.Ordinal) || taken.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return TypedResults.Problem(
                    $"dropzone.prefix '{prefix}' overlaps '{taken}', the prefix of source '{other.Name}': a file there would belong to both. Choose a folder of its own.",
                    statusCode: StatusCodes.Status409Conflict, title: "Drop zones overlap");
            }
        }

        return null;
    }

    private static string Location(Source source) => $"/api/sources/{Uri.EscapeDataString(source.Name)}";

    private static Task<Source?> FindAsync(CatalogDbContext catalog, string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        return catalog.Sources.AsNoTracking().SingleOrDefaultAsync(s => s.NormalizedName == normalized, cancellationToken);
    }
}
