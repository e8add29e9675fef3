using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Diviora.Core.Storage;

/// <summary>
/// The <c>incoming</c> blob container: the drop zone any tool (azcopy, Storage Explorer, a partner's job) writes files
/// into, under the prefix of a drop-zone source. Taken files move to <see cref="ArchivePrefix"/> in the same container.
/// </summary>
public sealed class IncomingStore(BlobServiceClient blobs)
{
    /// <summary>The drop zone's container.</summary>
    public const string ContainerName = "incoming";

    /// <summary>Where taken files go, under their own name: never watched, whatever a source's prefix.</summary>
    public const string ArchivePrefix = "archive/";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private volatile bool _containerExists;

    /// <summary>
    /// The committed block blobs under <paramref name="prefix"/>, oldest first within each listing page; archived files
    /// and folder markers are left out. A blob still being uploaded in blocks is not listed until it is committed.
    /// </summary>
    public async IAsyncEnumerable<IncomingBlob> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(pageSizeHint: 500))
        {
            foreach (var item in page.Values.OrderBy(b => b.Properties.LastModified))
            {
                if (item.Name.StartsWith(ArchivePrefix, StringComparison.Ordinal) || item.Name.EndsWith('/') ||
                    item.Properties.BlobType is not (null or BlobType.Block) || item.Properties.ETag is not { } etag)
                {
                    continue;
                }

                yield return new IncomingBlob(item.Name, etag.ToString(), item.Properties.ContentLength ?? 0, item.Properties.LastModified);
            }
        }
    }

    /// <summary>Reads the version of <paramref name="blob"/> that was listed; a blob rewritten since fails with 412.</summary>
    public async Task<Stream> OpenReadAsync(IncomingBlob blob, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(blob.Name).OpenReadAsync(
            new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 << 20, Conditions = new BlobRequestConditions { IfMatch = new ETag(blob.ETag) } },
            cancellationToken);

    /// <summary>
    /// The version of <paramref name="name"/> in the drop zone now, as a listing would give it; null when there is none
    /// or it is not a block blob.
    /// </summary>
    public async Task<IncomingBlob?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return properties.BlobType == BlobType.Block
                ? new IncomingBlob(name, properties.ETag.ToString(), properties.ContentLength, properties.LastModified)
                : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>True while the listed version of <paramref name="blob"/> is still in the drop zone.</summary>
    public async Task<bool> IsPresentAsync(IncomingBlob blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await _container.GetBlobClient(blob.Name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return IncomingBlob.VersionOf(properties.Value.ETag.ToString()) == blob.Version;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves the listed version of <paramref name="blob"/> to <c>archive/{name}</c> (replacing an earlier file of that
    /// name there): copied, then deleted only if it was not rewritten meanwhile, so a newer file stays to be taken.
    /// </summary>
    public async Task ArchiveAsync(IncomingBlob blob, CancellationToken cancellationToken)
    {
        var source = _container.GetBlobClient(blob.Name);
        var target = _container.GetBlobClient(ArchivePrefix + blob.Name);
        try
        {
            await using (var content = await OpenReadAsync(blob, cancellationToken))
            {
                await target.UploadAsync(content, overwrite: true, cancellationToken);
            }

            await source.DeleteAsync(conditions: new BlobRequestConditions { IfMatch = new ETag(blob.ETag) }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Gone (another worker archived it) or rewritten (the new version is a new file to take).
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerExists)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerExists = true;
        }
    }
}

/// <summary>One version of a file in the drop zone: its ETag changes when it is rewritten.</summary>
public sealed record IncomingBlob(string Name, string ETag, long Size, DateTimeOffset? LastModified)
{
    /// <summary>The ETag as an identity: listings and property reads may quote the same ETag differently.</summary>
    public string Version => VersionOf(ETag);

    /// <summary>An ETag as <see cref="Version"/> compares it.</summary>
    public static string VersionOf(string etag) => etag.Trim('"');
}
