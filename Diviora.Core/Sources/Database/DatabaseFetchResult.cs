namespace Diviora.Core.Sources.Database;

/// <summary>What one fetch of a database source wrote.</summary>
/// <param name="Records">The rows written, one JSON Lines line each.</param>
/// <param name="NewCursor">
/// The highest <c>incremental.column</c> value among the rows written, as invariant text (timestamps in the round-trip
/// form <c>2026-05-04T10:15:00.0000000Z</c>), or the last run's cursor when no row had a value; null when the source is not
/// incremental or no value was ever seen.
/// </param>
public sealed record DatabaseFetchResult(long Records, string? NewCursor);
