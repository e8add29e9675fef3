using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;

namespace Diviora.Core.Secrets;

/// <summary>
/// Secrets as blobs in the <c>secrets</c> container: the blob is named after the lower-case name and holds the value
/// protected with ASP.NET Core Data Protection; its metadata keeps the name as written.
/// </summary>
public sealed class BlobSecretStore(BlobServiceClient blobs, IDataProtectionProvider protection) : ISecretStore
{
    /// <summary>The container holding the protected values.</summary>
    public const string ContainerName = "secrets";

    /// <summary>The Data Protection purpose of secret values; a new version of the format gets a new purpose.</summary>
    public const string Purpose = "Diviora.Secrets.v1";

    private const string NameMetadata = "name";

    // Blob metadata is ASCII: the name of who set the secret is kept percent-encoded.
    private const string UpdatedByMetadata = "updatedby";

    private const string AllowedHostsMetadata = "allowedhosts";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private volatile bool _containerExists;

    /// <inheritdoc />
    public async Task SetAsync(string name, string value, SecretHosts allowedHosts, string? updatedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        var blobName = SecretName.Normalize(name);
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The value of secret '{name}' is empty.", nameof(value));
        }

        var plain = Encoding.UTF8.GetBytes(value);
        try
        {
            if (plain.Length > ISecretStore.MaxValueBytes)
            {
                throw new ArgumentException(
                    $"The value of secret '{name}' has {plain.Length:N0} bytes of UTF-8; the limit is {ISecretStore.MaxValueBytes:N0}.", nameof(value));
            }

            await EnsureContainerAsync(cancellationToken);
            var options = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                Metadata = new Dictionary<string, string> { [NameMetadata] = name, [AllowedHostsMetadata] = allowedHosts.ToStored() },
            };
            if (!string.IsNullOrEmpty(updatedBy))
            {
                options.Metadata[UpdatedByMetadata] = Uri.EscapeDataString(updatedBy);
            }

            await _container.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(ProtectorFor(blobName).Protect(plain)), options, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <inheritdoc />
    public async Task<StoredSecret?> TryGetAsync(string name, CancellationToken cancellationToken)
    {
        var blobName = SecretName.Normalize(name);
        BinaryData content;
        SecretHosts hosts;
        try
        {
            // The value and its hosts come in one response: a concurrent PUT cannot pair one's value with the other's hosts.
            var download = (await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value;
            content = download.Content;
            hosts = SecretHosts.FromStored(download.Details.Metadata.TryGetValue(AllowedHostsMetadata, out var stored) ? stored : null);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        byte[] plain;
        try
        {
            plain = ProtectorFor(blobName).Unprotect(content.ToArray());
        }
        catch (CryptographicException e)
        {
            throw new SecretException(name,
                $"The secret '{name}' cannot be decrypted: its key is not in the key ring (container '{BlobKeyRepository.ContainerName}'), " +
                "or the value was written by another application. Store it again with PUT /api/secrets/" + name + ".", e);
        }

        try
        {
            return new StoredSecret(Encoding.UTF8.GetString(plain), hosts);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var blobName = SecretName.Normalize(name);
        try
        {
            return (await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container itself does not exist yet: nothing was ever stored.
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SecretEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<SecretEntry>();
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
            {
                var name = blob.Metadata.TryGetValue(NameMetadata, out var written) ? written : blob.Name;
                var updatedBy = blob.Metadata.TryGetValue(UpdatedByMetadata, out var by) ? Uri.UnescapeDataString(by) : null;
                var hosts = SecretHosts.FromStored(blob.Metadata.TryGetValue(AllowedHostsMetadata, out var stored) ? stored : null);
                entries.Add(new SecretEntry(name, blob.Properties.LastModified ?? DateTimeOffset.MinValue, updatedBy, hosts.Entries));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }

        // Blobs list in name order already; the names are their lower-case forms.
        return entries;
    }

    // The name is part of the purpose, so a value copied to another secret's blob does not decrypt there.
    private IDataProtector ProtectorFor(string blobName) => _protector.CreateProtector(blobName);

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerExists)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerExists = true;
        }
    }
}
