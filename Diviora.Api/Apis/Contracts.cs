using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Sources;

namespace Diviora.Api.Apis;

/// <summary>The answer to an accepted upload.</summary>
public sealed record UploadAccepted(Guid RunId, string Status);

/// <summary>
/// A run as the Api shows it. <c>notes</c> (absent while empty) says what happened on its way besides its outcome, one
/// line each: an attempt that took over from one whose worker stopped, a message the sweep sent again.
/// </summary>
public sealed record RunResponse(
    Guid Id, string Dataset, string Status, long RowsRead, long RowsLoaded, long RowsRejected, string? Error,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? FileName, long SizeBytes, string? Format, string? Rejects,
    RunTimings? Timings, int Attempts,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Source = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? FetchMs = null,
    string? StartedBy = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Notes = null)
{
    public static RunResponse From(Run run) => new(
        run.Id, run.Dataset.Name, run.Status.ToString(), run.RowsRead, run.RowsLoaded, run.RowsRejected, run.Error,
        run.CreatedAt, run.StartedAt, run.FinishedAt, run.FileName, run.SizeBytes, run.Format,
        run.RejectsBlob is null ? null : $"/api/runs/{run.Id}/rejects",
        run.InferMilliseconds is null ? null : new RunTimings(run.InferMilliseconds.Value, run.StageMilliseconds ?? 0, run.LoadMilliseconds ?? 0),
        run.Attempts, run.SourceName, run.FetchMilliseconds, run.StartedBy, run.Notes);
}

/// <summary>
/// Where a run's time went, in milliseconds: the first pass (read and infer), the second (read, validate, type and
/// stage every row), and the final load into the dataset.
/// </summary>
public sealed record RunTimings(long InferMs, long StageMs, long LoadMs);

/// <summary>A page of a run's rejected rows, and where to download them all as CSV.</summary>
public sealed record RejectsPage(long Total, IReadOnlyList<Diviora.Core.Ingestion.Rejects.Reject> Rejects, string? Download);

/// <summary>
/// A dataset with its schema, its settings and its latest run (null before the first), and who last changed the
/// settings, and when (null while nobody has).
/// </summary>
public sealed record DatasetResponse(
    string Name, long RowCount, DateTime? UpdatedAt, IReadOnlyList<ColumnResponse> Columns, DatasetSettings Settings, LastRunResponse? LastRun,
    string? UpdatedBy = null, DateTime? SettingsUpdatedAt = null)
{
    public static DatasetResponse From(Dataset dataset, Run? lastRun) => new(
        dataset.Name, dataset.RowCount, dataset.UpdatedAt,
        [.. dataset.Columns.OrderBy(c => c.Ordinal).Select(c => new ColumnResponse(c.Name, ColumnValues.Name(c.Type), c.Nullable, c.Precision, c.Scale))],
        DatasetSettings.Parse(dataset.Settings),
        LastRunResponse.From(lastRun), dataset.SettingsUpdatedBy, dataset.SettingsUpdatedAt);
}

/// <summary>The latest run of a dataset or source, by when it was created, with its error when it failed.</summary>
public sealed record LastRunResponse(
    Guid Id, string Status, DateTime CreatedAt, DateTime? FinishedAt, long RowsLoaded, long RowsRejected,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Error = null)
{
    public static LastRunResponse? From(Run? run) => run is null ? null
        : new(run.Id, run.Status.ToString(), run.CreatedAt, run.FinishedAt, run.RowsLoaded, run.RowsRejected, run.Status == RunStatus.Failed ? run.Error : null);
}

/// <summary>
/// What <c>Test connection</c> found: <see cref="Ok"/> with the first records (one page of a REST source, the first
/// rows of a query, the files waiting in a drop zone), or not, with <see cref="Error"/> saying why.
/// </summary>
public sealed record SourceTestResponse(bool Ok, string? Error, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Records, long Milliseconds);

/// <summary>One column: its name as in the file, its type, whether it holds empty values, and a decimal's precision and scale.</summary>
public sealed record ColumnResponse(
    string Name, string Type, bool Nullable,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? Precision,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? Scale);

/// <summary>One change a run made to a dataset's schema.</summary>
public sealed record SchemaChangeResponse(Guid RunId, DateTime At, string Kind, string Column, string Description);

/// <summary>The platform at a glance: datasets, rows, the runs of a window by hour, the latest failures and the backlog.</summary>
public sealed record OverviewResponse(
    int Datasets, long Rows, RunCounts Runs, IReadOnlyList<OverviewBucket> Buckets, IReadOnlyList<RunResponse> LatestFailures, Backlog Backlog);

/// <summary>How many runs created in the window have each status now.</summary>
public sealed record RunCounts(int Queued, int Running, int Succeeded, int Failed);

/// <summary>One hour of the window (<see cref="Start"/> in UTC): the runs that ended in it and the rows the successful ones loaded.</summary>
public sealed record OverviewBucket(DateTime Start, int Succeeded, int Failed, long RowsLoaded);

/// <summary>The runs waiting for or held by a worker, of any age.</summary>
public sealed record Backlog(int QueuedRuns, int RunningRuns, DateTime? OldestQueuedAt);

/// <summary>
/// How a file would be read, judged from its first bytes: format, delimiter, encoding and header as detected (or as
/// given), the workbook's sheets, the columns with their inferred types and the first records as text.
/// </summary>
public sealed record DetectResponse(
    string Format, string? Delimiter, string? Encoding, bool Header, string? Sheet, IReadOnlyList<string>? Sheets, bool Compressed,
    IReadOnlyList<DetectedColumn> Columns, IReadOnlyList<string?[]> Rows, bool SampleIsWhole);

/// <summary>A column as a run would name it, with the type inferred from the sample.</summary>
public sealed record DetectedColumn(string Name, string Type);

/// <summary>
/// A source as it was defined (credentials are <c>secret:name</c> references, so what was kept can be shown), with
/// when its schedule fires next (null when disabled or manual, computed at the time of the answer) and when it last ran.
/// </summary>
public sealed record SourceResponse(
    string Name, string Kind, string Dataset, string? Schedule, string TimeZone, bool Enabled,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] SourceMapping? Mapping,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] RestSettings? Rest,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DatabaseSettings? Database,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DropzoneSettings? Dropzone,
    DateTime? NextRunAt, DateTime? LastRunAt, DateTime CreatedAt, DateTime UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Cursor = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] LastRunResponse? LastRun = null,
    string? CreatedBy = null, string? UpdatedBy = null)
{
    public static SourceResponse From(Source source, DateTimeOffset now, Run? lastRun = null)
    {
        var definition = SourceDefinition.From(source);
        var next = SourceSchedule.For(source.Enabled, source.Schedule, source.TimeZone).Next(now);
        return new(
            source.Name, source.Kind, source.DatasetName, source.Schedule, source.TimeZone, source.Enabled,
            definition.Mapping, definition.Rest, definition.Database, definition.Dropzone,
            next?.UtcDateTime, source.LastRunAt, source.CreatedAt, source.UpdatedAt, source.Cursor, LastRunResponse.From(lastRun),
            source.CreatedBy, source.UpdatedBy);
    }
}

/// <summary>The body of <c>PUT /api/secrets/{name}</c>. Write-only: no answer ever carries a value.</summary>
public sealed record SecretBody(string? Value, IReadOnlyList<string>? AllowedHosts = null);

/// <summary>A stored secret as the Api shows it: its name, the hosts it may go to, its last change and who made it, never its value.</summary>
public sealed record SecretResponse(string Name, DateTimeOffset UpdatedAt, string? UpdatedBy, IReadOnlyList<string> AllowedHosts);
