namespace Diviora.Core.Storage;

/// <summary>
/// Passes reads through, counting bytes, and throws the exception <paramref name="exceeded"/> makes once more than
/// <paramref name="limit"/> bytes went by: upload size limits, and the guard against compression bombs.
/// </summary>
public sealed class ByteLimitStream(Stream inner, long limit, Func<long, Exception> exceeded) : ReadOnlyStream
{
    /// <summary>How many bytes were read so far.</summary>
    public long BytesRead { get; private set; }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        BytesRead += read;
        return BytesRead > limit ? throw exceeded(limit) : read;
    }
}
