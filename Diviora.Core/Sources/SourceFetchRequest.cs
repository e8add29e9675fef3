namespace Diviora.Core.Sources;

/// <summary>What an <see cref="ISourceFetcher"/> is asked to fetch.</summary>
/// <param name="Source">A valid definition of the fetcher's kind.</param>
/// <param name="Cursor">The last successful run's cursor, for an incremental source; null fetches from the beginning.</param>
/// <param name="MaxRecords">
/// At most this many records, for a preview, where the fetcher can stop early (a query's rows); null fetches a run's
/// records, up to the fetcher's own limit. A fetcher may write more: the caller's stream then stops it.
/// </param>
public sealed record SourceFetchRequest(SourceDefinition Source, string? Cursor, int? MaxRecords = null);
