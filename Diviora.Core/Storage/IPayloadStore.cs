namespace Diviora.Core.Storage;

/// <summary>Where payloads are kept unchanged: Blob Storage in the platform, a folder for benchmarks and tools.</summary>
public interface IPayloadStore
{
    /// <summary>Opens a stored payload for one streaming read.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>The size in bytes of a stored payload; null when there is no such payload.</summary>
    Task<long?> SizeOfAsync(string name, CancellationToken cancellationToken);
}
