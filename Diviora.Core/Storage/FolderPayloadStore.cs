namespace Diviora.Core.Storage;

/// <summary>Payloads as files under a folder; names are relative paths inside it.</summary>
public sealed class FolderPayloadStore(string root) : IPayloadStore
{
    private readonly string _root = Path.GetFullPath(root);

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(_root, name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is outside the payload folder.", nameof(name));
        }

        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
    }
}
