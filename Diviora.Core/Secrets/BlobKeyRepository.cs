using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Diviora.Core.Secrets;

/// <summary>
/// The Data Protection key ring in Blob Storage, one blob per key element, so every Api and Worker instance
/// decrypts the same secrets across restarts. The elements are stored as Data Protection hands them over:
/// unencrypted XML unless a key encryptor (Key Vault in Azure) is configured.
/// </summary>
public sealed class BlobKeyRepository(BlobContainerClient container) : IXmlRepository
{
    /// <summary>The container holding the key ring.</summary>
    public const string ContainerName = "dataprotection-keys";

    private volatile bool _containerExists;

    /// <inheritdoc />
    /// <remarks>Data Protection calls this synchronously, rarely (start-up, key rotation, an unknown key), and caches the ring.</remarks>
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureContainer();
        var elements = new List<XElement>();
        foreach (var blob in container.GetBlobs(new GetBlobsOptions(), cancellationToken: default))
        {
            using var content = container.GetBlobClient(blob.Name).DownloadContent().Value.Content.ToStream();
            elements.Add(XElement.Load(content));
        }

        return elements;
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        EnsureContainer();
        using var content = new MemoryStream();
        element.Save(content, SaveOptions.DisableFormatting);
        content.Position = 0;
        var options = new BlobUploadOptions
        {
            // Elements are never rewritten: a key's blob is its key until it is deleted by hand.
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/xml" },
        };
        container.GetBlobClient(BlobNameFor(friendlyName)).Upload(content, options);
    }

    /// <summary>The blob name of an element: its friendly name (<c>key-{id}</c>) made safe, and unique for nameless ones.</summary>
    internal static string BlobNameFor(string? friendlyName)
    {
        var safe = string.IsNullOrWhiteSpace(friendlyName)
            ? Guid.NewGuid().ToString("N")
            : new string([.. friendlyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return safe + ".xml";
    }

    private void EnsureContainer()
    {
        if (!_containerExists)
        {
            container.CreateIfNotExists();
            _containerExists = true;
        }
    }
}
