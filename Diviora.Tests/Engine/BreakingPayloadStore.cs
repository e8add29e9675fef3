using Diviora.Core.Storage;

namespace Diviora.Tests.Engine;

/// <summary>A payload store whose n-th opened stream breaks off part-way, as a dying worker's connection would.</summary>
internal sealed class BreakingPayloadStore(IPayloadStore inner, int breakOnOpen, long afterBytes) : IPayloadStore
{
    private int _opens;

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var stream = await inner.OpenReadAsync(name, cancellationToken);
        return Interlocked.Increment(ref _opens) == breakOnOpen ? new BreakingStream(stream, afterBytes) : stream;
    }

    public Task<long?> SizeOfAsync(string name, CancellationToken cancellationToken) => inner.SizeOfAsync(name, cancellationToken);

    private sealed class BreakingStream(Stream inner, long afterBytes) : ReadOnlyStream
    {
        private long _read;

        public override int Read(Span<byte> buffer)
        {
            if (_read >= afterBytes)
            {
                throw new IOException("the connection broke");
            }

            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, afterBytes - _read)]);
            _read += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
