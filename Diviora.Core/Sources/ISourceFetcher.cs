namespace Diviora.Core.Sources;

/// <summary>
/// Pulls the records of one kind of source (<see cref="SourceKinds"/>) as JSON Lines: the seam
/// <see cref="SourcePayloads"/> picks by a source's kind. A drop zone has none: its files arrive by themselves.
/// </summary>
public interface ISourceFetcher
{
    /// <summary>The kind of source this fetcher pulls, one of <see cref="SourceKinds.All"/>.</summary>
    string Kind { get; }

    /// <summary>
    /// Writes the records of <see cref="SourceFetchRequest.Source"/> to <paramref name="output"/>, one JSON object per
    /// line. A failed fetch may leave records in the stream: the caller discards it.
    /// </summary>
    /// <exception cref="SourceFetchException">
    /// The source could not be reached or read, or refers to a secret that does not exist
    /// (<see cref="SourceFetchException.For"/>: the message names the source and says why).
    /// </exception>
    Task<SourceFetchResult> FetchAsync(SourceFetchRequest request, Stream output, CancellationToken cancellationToken);
}
