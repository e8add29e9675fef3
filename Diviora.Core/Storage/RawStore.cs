using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Diviora.Core.Storage;

/// <summary>The <c>raw</c> blob container: every payload exactly as it arrived, one blob per run.</summary>
public sealed class RawStore(BlobServiceClient blobs) : IPayloadStore
{
    /// <summary>The container that keeps payloads unchanged.</summary>
    public const string ContainerName = "raw";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private volatile bool _containerExists;

    /// <summary>The blob name of a run's payload: <c>{dataset}/{runId}/{file}</c>, with the file name made safe.</summary>
    public static string BlobNameFor(string dataset, Guid runId, string? fileName)
    {
        var safe = string.IsNullOrWhiteSpace(fileName) ? "payload" : Path.GetFileName(fileName.Replace('\\', '/'));
        safe = new string([.. safe.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        return $"{dataset.ToLowerInvariant()}/{runId:N}/{(safe.Length > 200 ? safe[..200] : safe)}";
    }

    /// <summary>Streams <paramref name="content"/> into a new blob; never overwrites an existing one.</summary>
    public async Task UploadAsync(string blobName, Stream content, string? contentType, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType ?? "application/octet-stream" },
            TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumConcurrency = 4, MaximumTransferSize = 4 * 1024 * 1024 },
        };
        await _container.GetBlobClient(blobName).UploadAsync(content, options, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(name).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 8 << 20 }, cancellationToken);

    /// <inheritdoc />
    public async Task<long?> SizeOfAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes a payload if it exists (an upload that was refused after it was stored).</summary>
    public async Task DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerExists)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerExists = true;
        }
    }
}
