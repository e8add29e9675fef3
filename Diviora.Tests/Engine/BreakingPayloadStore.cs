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

    private sealed class BreakingStream(Stream inner, long afterBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= afterBytes)
            {
                throw new IOException("the connection broke");
            }

            var n = inner.Read(buffer, offset, (int)Math.Min(count, afterBytes - _read));
            _read += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
