namespace Diviora.Core.Catalog;

/// <summary>
/// Where a source run's fetch stored its payload, how big it is, the highest cursor value it saw (null when the source
/// is not incremental) and how many milliseconds it took.
/// </summary>
public sealed record RunFetch(string BlobName, long SizeBytes, string? Cursor, long Milliseconds);
