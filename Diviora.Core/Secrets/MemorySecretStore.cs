using System.Collections.Concurrent;

namespace Diviora.Core.Secrets;

/// <summary>
/// Secrets held in this process's memory, unencrypted and gone at exit: for benchmarks and tests that need the store's
/// rules (case-insensitive names, bound hosts) without Blob Storage. The platform itself uses <see cref="BlobSecretStore"/>.
/// </summary>
public sealed class MemorySecretStore(TimeProvider? time = null) : ISecretStore
{
    private readonly ConcurrentDictionary<string, (string Name, StoredSecret Secret, DateTimeOffset At, string? By)> _secrets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A store holding <paramref name="values"/>, each bound to <paramref name="allowedHosts"/>.</summary>
    public static MemorySecretStore With(IReadOnlyDictionary<string, string> values, params string[] allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!SecretHosts.TryParse(allowedHosts, out var hosts, out var error))
        {
            throw new ArgumentException(error, nameof(allowedHosts));
        }

        var store = new MemorySecretStore();
        foreach (var (name, value) in values)
        {
            store.Set(name, value, hosts, null);
        }

        return store;
    }

    /// <inheritdoc />
    public Task SetAsync(string name, string value, SecretHosts allowedHosts, string? updatedBy, CancellationToken cancellationToken)
    {
        Set(name, value, allowedHosts, updatedBy);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StoredSecret?> TryGetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.TryGetValue(SecretName.Normalize(name), out var entry) ? entry.Secret : null);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.TryRemove(SecretName.Normalize(name), out _));

    /// <inheritdoc />
    public Task<IReadOnlyList<SecretEntry>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SecretEntry>>([.. _secrets.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new SecretEntry(s.Value.Name, s.Value.At, s.Value.By, s.Value.Secret.AllowedHosts.Entries))]);

    private void Set(string name, string value, SecretHosts allowedHosts, string? updatedBy)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        var key = SecretName.Normalize(name);
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The value of secret '{name}' is empty.", nameof(value));
        }

        _secrets[key] = (name, new StoredSecret(value, allowedHosts), _time.GetUtcNow(), updatedBy);
    }
}
