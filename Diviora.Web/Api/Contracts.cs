using System.Text.Json;

namespace Diviora.Web.Api;

// The Api's answers as the Web reads them; field names follow the Api's camelCase JSON.

public sealed record DatasetSummary(
    string Name, long RowCount, DateTime? UpdatedAt, IReadOnlyList<ColumnSummary> Columns, JsonElement Settings, LastRunSummary? LastRun = null);

public sealed record ColumnSummary(string Name, string Type, bool Nullable, int? Precision = null, int? Scale = null)
{
    /// <summary>Numbers and times read best aligned to the right.</summary>
    public bool IsNumeric => Type is "integer" or "decimal" or "double";

    public bool IsText => Type == "text";
}

/// <summary>A dataset's or a source's latest run; <see cref="Error"/> only when it failed.</summary>
public sealed record LastRunSummary(Guid Id, string Status, DateTime CreatedAt, DateTime? FinishedAt, long RowsLoaded, long RowsRejected, string? Error = null);

public sealed record RowsPage(long? Total, IReadOnlyList<Dictionary<string, JsonElement>> Rows, string? NextCursor = null);

public sealed record AggregateResult(IReadOnlyList<string> GroupBy, IReadOnlyList<string> Measures, IReadOnlyList<Dictionary<string, JsonElement>> Rows);

public sealed record RunSummary(
    Guid Id, string Dataset, string Status, long RowsRead, long RowsLoaded, long RowsRejected, string? Error,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? FileName = null, long SizeBytes = 0, string? Format = null,
    string? Rejects = null, RunTimings? Timings = null, int Attempts = 0, string? Source = null, long? FetchMs = null, string? StartedBy = null,
    string? Notes = null)
{
    public bool HasEnded => Status is "Succeeded" or "Failed";
}

/// <summary>Milliseconds of a run's passes: read and infer, validate and stage, load.</summary>
public sealed record RunTimings(long InferMs, long StageMs, long LoadMs);

public sealed record RejectsPage(long Total, IReadOnlyList<RejectRow> Rejects, string? Download);

public sealed record RejectRow(long RowNumber, string Column, string? Value, string Reason);

public sealed record SchemaChange(Guid RunId, DateTime At, string Kind, string Column, string Description);

public sealed record UploadAccepted(Guid RunId, string Status);

public sealed record OverviewSummary(int Datasets, long Rows, RunCounts Runs, IReadOnlyList<OverviewBucket> Buckets, IReadOnlyList<RunSummary> LatestFailures, Backlog Backlog);

public sealed record RunCounts(int Queued, int Running, int Succeeded, int Failed);

public sealed record OverviewBucket(DateTime Start, int Succeeded, int Failed, long RowsLoaded);

public sealed record Backlog(int QueuedRuns, int RunningRuns, DateTime? OldestQueuedAt);

public sealed record ColumnProfile(
    string Column, string Type, long Rows, long Nulls, long Distinct, JsonElement? Min, JsonElement? Max,
    IReadOnlyList<TopValue> Top, IReadOnlyList<HistogramBin>? Histogram)
{
    public double NullPercent => Rows == 0 ? 0 : 100.0 * Nulls / Rows;
}

public sealed record TopValue(JsonElement? Value, long Count);

public sealed record HistogramBin(JsonElement From, JsonElement To, long Count);

/// <summary>What the Api detected from the first bytes of a file, and the first records read with it.</summary>
public sealed record DetectedFile(
    string Format, string? Delimiter, string? Encoding, bool Header, string? Sheet, IReadOnlyList<string>? Sheets, bool Compressed,
    IReadOnlyList<DetectedColumn> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, bool SampleIsWhole);

public sealed record DetectedColumn(string Name, string Type);
