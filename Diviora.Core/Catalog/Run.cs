namespace Diviora.Core.Catalog;

/// <summary>One ingestion of one payload into one dataset.</summary>
public sealed class Run
{
    public Guid Id { get; set; }

    public int DatasetId { get; set; }

    public Dataset Dataset { get; set; } = null!;

    public RunStatus Status { get; set; }

    /// <summary>The file name the payload arrived with, as given by the client.</summary>
    public string? FileName { get; set; }

    /// <summary>The blob in the raw container that holds the payload unchanged.</summary>
    public required string BlobName { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>How the user asked for the payload to be read (upload parameters), as JSON; null when nothing was given.</summary>
    public string? Options { get; set; }

    /// <summary>How the payload was read, once a worker opened it: <c>csv (';', windows-1252)</c>.</summary>
    public string? Format { get; set; }

    public long RowsRead { get; set; }

    public long RowsLoaded { get; set; }

    public long RowsRejected { get; set; }

    /// <summary>The blob in the rejects container listing the rows this run rejected; null when it rejected none.</summary>
    public string? RejectsBlob { get; set; }

    /// <summary>Why the run failed, or the last transient error of a run that is being retried.</summary>
    public string? Error { get; set; }

    /// <summary>Milliseconds of the first pass: read the payload and infer its schema.</summary>
    public long? InferMilliseconds { get; set; }

    /// <summary>Milliseconds of the second pass: read, apply rules, type and stage every row.</summary>
    public long? StageMilliseconds { get; set; }

    /// <summary>Milliseconds of the final transaction that changes the schema and appends the rows.</summary>
    public long? LoadMilliseconds { get; set; }

    /// <summary>How many times a worker has started this run.</summary>
    public int Attempts { get; set; }

    /// <summary>The source that started this run; null for an upload. Kept when the source is deleted.</summary>
    public Guid? SourceId { get; set; }

    /// <summary>The source's name when the run was started; every row the run loads records it as <c>_source</c>.</summary>
    public string? SourceName { get; set; }

    /// <summary>The source's mapping when the run was started, as JSON, so a replay maps the payload the same way.</summary>
    public string? Mapping { get; set; }

    /// <summary>
    /// For an incremental source: the highest cursor value the fetch saw. It becomes the source's cursor only when
    /// this run succeeds.
    /// </summary>
    public string? Cursor { get; set; }

    /// <summary>Milliseconds a source run spent fetching its payload into Blob Storage; null until fetched, and for uploads.</summary>
    public long? FetchMilliseconds { get; set; }

    /// <summary>
    /// Who started the run: the signed-in person or client that uploaded, replayed or ran a source, or
    /// <see cref="RunStarters.Schedule"/> and <see cref="RunStarters.DropZone"/>; null for runs from before it was recorded.
    /// </summary>
    public string? StartedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}
