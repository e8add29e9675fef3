namespace Diviora.Core.Storage;

/// <summary>Payloads as files under a folder; names are relative paths inside it.</summary>
public sealed class FolderPayloadStore(string root) : IPayloadStore
{
    private readonly string _root = Path.GetFullPath(root);

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(name), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));

    /// <inheritdoc />
    public Task<long?> SizeOfAsync(string name, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(name));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(_root, name));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"'{name}' is outside the payload folder.", nameof(name));
    }
}
