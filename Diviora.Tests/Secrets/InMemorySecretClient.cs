using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace Diviora.Tests.Secrets;

/// <summary>
/// A Key Vault with soft delete, in memory, through the SDK's mocking seam (SecretClient's virtual methods and
/// <see cref="SecretModelFactory"/>): names ignore case, a set of a deleted name answers 409 until it is recovered,
/// and reads and deletes of a missing name answer 404, as the service does.
/// </summary>
internal sealed class InMemorySecretClient : SecretClient
{
    private static readonly Uri Vault = new("https://kv-diviora-test.vault.azure.net/");
    private readonly ConcurrentDictionary<string, KeyVaultSecret> _active = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, KeyVaultSecret> _deleted = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Calls { get; } = [];

    public IReadOnlyDictionary<string, KeyVaultSecret> Active => _active;

    public override Task<Response<KeyVaultSecret>> SetSecretAsync(KeyVaultSecret secret, CancellationToken cancellationToken = default)
    {
        Calls.Add("set:" + secret.Name);
        if (_deleted.ContainsKey(secret.Name))
        {
            throw new RequestFailedException(409, $"Secret {secret.Name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", "Conflict", null);
        }

        var version = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var created = _active.TryGetValue(secret.Name, out var earlier) ? earlier.Properties.CreatedOn : now;
        var properties = SecretModelFactory.SecretProperties(
            new Uri(Vault, $"secrets/{secret.Name}/{version}"), Vault, secret.Name, version, managed: false, keyId: null, created, now, "Recoverable+Purgeable");
        properties.ContentType = secret.Properties.ContentType;
        foreach (var tag in secret.Properties.Tags)
        {
            properties.Tags[tag.Key] = tag.Value;
        }

        var stored = SecretModelFactory.KeyVaultSecret(properties, secret.Value);
        _active[secret.Name] = stored;
        return Task.FromResult(Response.FromValue(stored, new StubResponse(200)));
    }

    public override Task<Response<KeyVaultSecret>> GetSecretAsync(string name, string? version = null, CancellationToken cancellationToken = default) =>
        _active.TryGetValue(name, out var secret)
            ? Task.FromResult(Response.FromValue(secret, new StubResponse(200)))
            : throw NotFound(name);

    public override Task<DeleteSecretOperation> StartDeleteSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Calls.Add("delete:" + name);
        if (!_active.TryRemove(name, out var secret))
        {
            throw NotFound(name);
        }

        _deleted[name] = secret;
        return Task.FromResult<DeleteSecretOperation>(new Deleting());
    }

    public override Task<RecoverDeletedSecretOperation> StartRecoverDeletedSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        Calls.Add("recover:" + name);
        if (!_deleted.TryRemove(name, out var secret))
        {
            throw new RequestFailedException(404, $"Deleted Secret not found: {name}", "SecretNotFound", null);
        }

        _active[name] = secret;
        return Task.FromResult<RecoverDeletedSecretOperation>(new Recovering());
    }

    public override AsyncPageable<SecretProperties> GetPropertiesOfSecretsAsync(CancellationToken cancellationToken = default) =>
        // The service lists in no promised order, and without values.
        AsyncPageable<SecretProperties>.FromPages(
        [
            Page<SecretProperties>.FromValues([.. _active.Values.Select(s => s.Properties).OrderByDescending(p => p.Name, StringComparer.Ordinal)], null, new StubResponse(200)),
        ]);

    /// <summary>A secret someone else keeps in the same vault, outside the store's prefix.</summary>
    public void AddForeign(string name, bool managed = false)
    {
        var properties = SecretModelFactory.SecretProperties(new Uri(Vault, $"secrets/{name}/1"), Vault, name, "1", managed, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "Recoverable");
        _active[name] = SecretModelFactory.KeyVaultSecret(properties, "foreign");
    }

    private static RequestFailedException NotFound(string name) =>
        new(404, $"A secret with (name/id) {name} was not found in this key vault.", "SecretNotFound", null);

    private sealed class Deleting : DeleteSecretOperation;

    private sealed class Recovering : RecoverDeletedSecretOperation;

    /// <summary>The smallest <see cref="Response"/> that <see cref="Response.FromValue{T}"/> and pages need.</summary>
    private sealed class StubResponse(int status) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => "";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
