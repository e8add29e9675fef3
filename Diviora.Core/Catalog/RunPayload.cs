namespace Diviora.Core.Catalog;

/// <summary>
/// What a new run loads: the blob in the raw container holding the payload, the file name it arrived with, its size,
/// and how the user asked for it to be read (<see cref="Ingestion.Readers.RunOptions"/> as JSON).
/// </summary>
public sealed record RunPayload(string BlobName, string? FileName, long SizeBytes = 0, string? Options = null)
{
    /// <summary>Milliseconds spent storing a source's payload before its run was queued (a drop-zone file); null otherwise.</summary>
    public long? FetchMilliseconds { get; init; }
}
