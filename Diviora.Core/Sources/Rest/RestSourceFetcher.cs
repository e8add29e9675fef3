using Diviora.Core.Secrets;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// REST sources as an <see cref="ISourceFetcher"/>: hands a definition's <c>rest</c> block to a <see cref="RestFetcher"/>,
/// whose options decide how hard it tries (a run retries, a preview gives up sooner).
/// </summary>
internal sealed class RestSourceFetcher(RestFetcher rest) : ISourceFetcher
{
    public string Kind => SourceKinds.Rest;

    // A REST page is fetched whole, so MaxRecords is left to the caller's stream: it ends the fetch once it holds enough.
    public async Task<SourceFetchResult> FetchAsync(SourceFetchRequest request, Stream output, CancellationToken cancellationToken)
    {
        try
        {
            var fetched = await rest.FetchAsync(request.Source.Rest!, request.Cursor, output, cancellationToken).ConfigureAwait(false);
            return new SourceFetchResult(fetched.Records, fetched.NewCursor);
        }
        catch (Exception e) when (e is RestFetchException or SecretException)
        {
            throw SourceFetchException.For(request.Source, e);
        }
    }
}
