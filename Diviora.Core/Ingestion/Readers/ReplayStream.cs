using Diviora.Core.Storage;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>Reads back bytes already taken from a stream (to sniff its format), then the rest of the stream.</summary>
internal sealed class ReplayStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
        {
            return rest.Read(buffer);
        }

        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _prefix.IsEmpty ? await rest.ReadAsync(buffer, cancellationToken) : Read(buffer.Span);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads up to <paramref name="count"/> bytes of <paramref name="stream"/> and gives a stream that still holds them.</summary>
    public static async Task<(byte[] Sample, Stream Stream)> SampleAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var sample = buffer.AsMemory(0, read);
        return (sample.ToArray(), new ReplayStream(sample, stream));
    }
}
