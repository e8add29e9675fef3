using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Diviora.Core.Ingestion.Rejects;

/// <summary>Rejects files in the <c>rejects</c> blob container.</summary>
public sealed class BlobRejectsStore(BlobServiceClient blobs) : IRejectsStore
{
    /// <summary>The container holding rejects files.</summary>
    public const string ContainerName = "rejects";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private volatile bool _containerExists;

    /// <inheritdoc />
    public async Task<Stream> CreateAsync(string name, CancellationToken cancellationToken)
    {
        if (!_containerExists)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerExists = true;
        }

        return await _container.GetBlockBlobClient(name).OpenWriteAsync(overwrite: true,
            new() { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" } }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(name).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
}
