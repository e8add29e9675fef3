using Diviora.Core.Secrets;

namespace Diviora.Core.Sources.Database;

/// <summary>Database sources as an <see cref="ISourceFetcher"/>: runs a definition's <c>database</c> block with a <see cref="DatabaseFetcher"/>.</summary>
internal sealed class DatabaseSourceFetcher(DatabaseFetcher database) : ISourceFetcher
{
    public string Kind => SourceKinds.Database;

    public async Task<SourceFetchResult> FetchAsync(SourceFetchRequest request, Stream output, CancellationToken cancellationToken)
    {
        try
        {
            var fetched = await database.FetchAsync(request.Source.Database!, request.Cursor, output, cancellationToken, request.MaxRecords).ConfigureAwait(false);
            return new SourceFetchResult(fetched.Records, fetched.NewCursor);
        }
        catch (Exception e) when (e is DatabaseFetchException or SecretException)
        {
            throw SourceFetchException.For(request.Source, e);
        }
    }
}
