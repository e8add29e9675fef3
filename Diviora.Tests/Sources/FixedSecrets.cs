using Diviora.Core.Secrets;

namespace Diviora.Tests.Sources;

/// <summary>A secret store that holds fixed values and can only be read, for fetchers' tests.</summary>
internal sealed class FixedSecrets(Dictionary<string, string> values) : ISecretStore
{
    public Task SetAsync(string name, string value, string? updatedBy, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<string?> TryGetAsync(string name, CancellationToken cancellationToken) => Task.FromResult(values.GetValueOrDefault(name));

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<SecretEntry>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
}
