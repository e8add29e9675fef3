namespace Diviora.Core.Sources.Rest;

/// <summary>What one fetch of a REST source wrote.</summary>
/// <param name="Records">The records written, one JSON Lines line each.</param>
/// <param name="Pages">The pages fetched (successful responses).</param>
/// <param name="NewCursor">
/// The highest <c>incremental.cursorField</c> value seen, or the last run's cursor when no record had a higher one; null
/// when the source is not incremental or no value was ever seen. See <see cref="CursorValue"/> for the order.
/// </param>
public sealed record RestFetchResult(long Records, int Pages, string? NewCursor);
