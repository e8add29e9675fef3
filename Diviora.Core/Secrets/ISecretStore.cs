namespace Diviora.Core.Secrets;

/// <summary>
/// Named values such as API tokens and connection strings, encrypted at rest. Sources refer to them as
/// <c>secret:name</c> (see <see cref="SecretReference"/>); only the engine reads a value back, never an endpoint.
/// </summary>
public interface ISecretStore
{
    /// <summary>The largest value accepted: 64 KiB of UTF-8.</summary>
    public const int MaxValueBytes = 64 * 1024;

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="name"/>, bound to <paramref name="allowedHosts"/>, replacing
    /// any earlier value and hosts, and records <paramref name="updatedBy"/> (who set it) beside it.
    /// </summary>
    /// <exception cref="ArgumentException">The name breaks <see cref="SecretName.Rule"/>, or the value is empty or over <see cref="MaxValueBytes"/>.</exception>
    Task SetAsync(string name, string value, SecretHosts allowedHosts, string? updatedBy, CancellationToken cancellationToken);

    /// <summary>The value stored under <paramref name="name"/> and the hosts it is bound to, or null when there is none.</summary>
    /// <exception cref="SecretException">The value exists but cannot be decrypted with the key ring.</exception>
    Task<StoredSecret?> TryGetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes the secret; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every secret's name and last change, ordered by name; no values.</summary>
    Task<IReadOnlyList<SecretEntry>> ListAsync(CancellationToken cancellationToken);
}
