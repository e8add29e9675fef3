using System.Text;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Diviora.Core.Secrets;

/// <summary>
/// Secrets in Azure Key Vault (the store in Azure, picked by <c>Diviora:Secrets:KeyVaultUri</c>): one Key Vault secret
/// per Diviora secret, named by <see cref="KeyVaultSecretName"/>. The vault encrypts values itself, so no Data
/// Protection key ring is involved. Beside the value, tags keep the name as written, who set it and the allowed hosts
/// (split over several tags, since a tag value holds at most 256 characters).
/// </summary>
public sealed class KeyVaultSecretStore(SecretClient client) : ISecretStore
{
    /// <summary>Key Vault's largest secret value, in bytes; below <see cref="ISecretStore.MaxValueBytes"/>.</summary>
    public const int MaxVaultValueBytes = 25 * 1024;

    /// <summary>The tag holding the name as written.</summary>
    public const string NameTag = "diviora-name";

    /// <summary>The tag holding who last set the secret.</summary>
    public const string UpdatedByTag = "diviora-updated-by";

    /// <summary>The tags holding the allowed hosts, comma-separated, in pieces: <c>diviora-hosts-0</c>, <c>-1</c>, ...</summary>
    public const string HostsTagPrefix = "diviora-hosts-";

    // Key Vault allows 15 tags per secret and 256 characters per value; two tags go to the name and the author.
    private const int TagValueLength = 256;
    private const int MaxHostsTags = 13;

    /// <inheritdoc />
    public async Task SetAsync(string name, string value, SecretHosts allowedHosts, string? updatedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        var vaultName = KeyVaultSecretName.From(name);
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The value of secret '{name}' is empty.", nameof(value));
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        var limit = Math.Min(ISecretStore.MaxValueBytes, MaxVaultValueBytes);
        if (bytes > limit)
        {
            throw new ArgumentException($"The value of secret '{name}' has {bytes:N0} bytes of UTF-8; the limit is {limit:N0} (Key Vault's).", nameof(value));
        }

        var hosts = allowedHosts.ToStored();
        if (hosts.Length > TagValueLength * MaxHostsTags)
        {
            throw new ArgumentException(
                $"The allowed hosts of secret '{name}' take {hosts.Length:N0} characters; Key Vault tags hold at most {TagValueLength * MaxHostsTags:N0}. List fewer or shorter hosts.",
                nameof(allowedHosts));
        }

        var secret = new KeyVaultSecret(vaultName, value);
        secret.Properties.ContentType = "text/plain";
        secret.Properties.Tags[NameTag] = name;
        if (!string.IsNullOrEmpty(updatedBy))
        {
            // Who set it is for people to read: a name beyond a tag's length is cut, not refused.
            secret.Properties.Tags[UpdatedByTag] = updatedBy.Length <= TagValueLength ? updatedBy : updatedBy[..TagValueLength];
        }

        for (var (i, at) = (0, 0); at < hosts.Length; (i, at) = (i + 1, at + TagValueLength))
        {
            secret.Properties.Tags[HostsTagPrefix + i] = hosts.Substring(at, Math.Min(TagValueLength, hosts.Length - at));
        }

        try
        {
            await client.SetSecretAsync(secret, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Deleted earlier and kept by soft delete (ObjectIsDeletedButRecoverable): recover it, then write the new
            // value as its next version. Recovery takes a moment, during which the vault answers 409 still.
            if (!await RecoverAsync(vaultName, cancellationToken))
            {
                throw new InvalidOperationException($"Key Vault refused secret '{name}' ({vaultName}): {e.Message}", e);
            }

            await SetWhileRecoveringAsync(secret, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<StoredSecret?> TryGetAsync(string name, CancellationToken cancellationToken)
    {
        var vaultName = KeyVaultSecretName.From(name);
        try
        {
            // The value and its tags come in one response: a concurrent set cannot pair one's value with the other's hosts.
            var secret = (await client.GetSecretAsync(vaultName, null, cancellationToken)).Value;
            return new StoredSecret(secret.Value, HostsOf(secret.Properties.Tags));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            throw new SecretException(name, $"The secret '{name}' cannot be read from Key Vault: the app's identity may not read secrets ({e.ErrorCode}).", e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var vaultName = KeyVaultSecretName.From(name);
        try
        {
            // Soft delete: the vault keeps it for its retention period; a later set recovers and overwrites it.
            await client.StartDeleteSecretAsync(vaultName, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SecretEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<(string Key, SecretEntry Entry)>();
        await foreach (var properties in client.GetPropertiesOfSecretsAsync(cancellationToken))
        {
            if (properties.Managed || KeyVaultSecretName.ToName(properties.Name) is not { } key)
            {
                continue;
            }

            var tags = properties.Tags;
            var written = tags.TryGetValue(NameTag, out var n) && string.Equals(n, key, StringComparison.OrdinalIgnoreCase) ? n : key;
            var updatedBy = tags.TryGetValue(UpdatedByTag, out var by) ? by : null;
            entries.Add((key, new SecretEntry(written, properties.UpdatedOn ?? properties.CreatedOn ?? DateTimeOffset.MinValue, updatedBy, HostsOf(tags).Entries)));
        }

        return [.. entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Entry)];
    }

    private static SecretHosts HostsOf(IDictionary<string, string> tags)
    {
        var stored = new StringBuilder();
        for (var i = 0; tags.TryGetValue(HostsTagPrefix + i, out var piece); i++)
        {
            stored.Append(piece);
        }

        return SecretHosts.FromStored(stored.Length == 0 ? null : stored.ToString());
    }

    // False when there is no deleted secret of that name to recover.
    private async Task<bool> RecoverAsync(string vaultName, CancellationToken cancellationToken)
    {
        try
        {
            await client.StartRecoverDeletedSecretAsync(vaultName, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Still being deleted, or being recovered already: the writes that follow wait for it.
            return true;
        }
    }

    private async Task SetWhileRecoveringAsync(KeyVaultSecret secret, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.SetSecretAsync(secret, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                if (attempt % 5 == 0)
                {
                    // A delete that was still running when recovery was asked for: ask again.
                    await RecoverAsync(secret.Name, cancellationToken);
                }
            }
        }
    }
}
