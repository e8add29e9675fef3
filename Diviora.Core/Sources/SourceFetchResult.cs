namespace Diviora.Core.Sources;

/// <summary>What one fetch of a source wrote.</summary>
/// <param name="Records">The records written, one JSON Lines line each.</param>
/// <param name="NewCursor">The incremental cursor to keep once the run succeeds; null when the source is not incremental or saw no value.</param>
public sealed record SourceFetchResult(long Records, string? NewCursor);
