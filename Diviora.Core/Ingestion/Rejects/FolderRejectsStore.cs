namespace Diviora.Core.Ingestion.Rejects;

/// <summary>Rejects files under a folder, for benchmarks and tools that run the engine without Blob Storage.</summary>
public sealed class FolderRejectsStore(string root) : IRejectsStore
{
    /// <inheritdoc />
    public Task<Stream> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Task.FromResult<Stream>(File.Create(path));
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(File.OpenRead(Path.Combine(root, name)));
}
