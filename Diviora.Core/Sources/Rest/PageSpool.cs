namespace Diviora.Core.Sources.Rest;

/// <summary>
/// One page's records on their way out: in memory up to 8 MiB, then in a temporary file that is deleted when closed.
/// A page goes to the output only once it is read whole, so a retried request never writes its records twice.
/// </summary>
internal sealed class PageSpool : IAsyncDisposable
{
    private const int MemoryBytes = 8 * 1024 * 1024;

    private readonly MemoryStream _memory = new();
    private FileStream? _file;

    /// <summary>Adds <paramref name="data"/> to the page.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_file is null && _memory.Length + data.Length > MemoryBytes)
        {
            _file = new FileStream(Path.Combine(Path.GetTempPath(), "diviora-page-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await _file.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken).ConfigureAwait(false);
            _memory.SetLength(0);
        }

        if (_file is not null)
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _memory.Write(data.Span);
        }
    }

    /// <summary>Forgets the page written so far: its request is tried again.</summary>
    public void Reset()
    {
        _memory.SetLength(0);
        _file?.SetLength(0);
    }

    /// <summary>Writes the whole page to <paramref name="output"/>, then starts empty for the next.</summary>
    public async Task MoveToAsync(Stream output, CancellationToken cancellationToken)
    {
        if (_file is not null)
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _file.Position = 0;
            await _file.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            _file.SetLength(0);
        }

        await output.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken).ConfigureAwait(false);
        _memory.SetLength(0);
    }

    public async ValueTask DisposeAsync()
    {
        await _memory.DisposeAsync().ConfigureAwait(false);
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
