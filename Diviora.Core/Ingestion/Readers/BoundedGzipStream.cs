using System.IO.Compression;
using Diviora.Core.Storage;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// A gzip payload decompressed with its expansion checked as it is read: past <see cref="IngestionLimits.MaxExpandedBytes"/>
/// in all, or, once <see cref="IngestionLimits.ExpansionRatioFloorBytes"/> have come out, past
/// <see cref="IngestionLimits.MaxExpansionRatio"/> times the compressed bytes read so far. A bomb (4 MB that expand to
/// 4 GiB) then fails as soon as the floor is passed, instead of holding a worker for hours.
/// </summary>
internal sealed class BoundedGzipStream : ReadOnlyStream
{
    private readonly CountingStream _compressed;
    private readonly GZipStream _gzip;
    private readonly IngestionLimits _limits;

    public BoundedGzipStream(Stream compressed, IngestionLimits limits)
    {
        _compressed = new CountingStream(compressed);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress);
        _limits = limits;
    }

    /// <summary>How many bytes came out so far.</summary>
    public long BytesOut { get; private set; }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Checked(_gzip.Read(buffer));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Checked(await _gzip.ReadAsync(buffer, cancellationToken));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Checked(int read)
    {
        BytesOut += read;
        if (BytesOut > _limits.MaxExpandedBytes)
        {
            throw new IngestionDataException(
                $"The compressed file expands to more than the limit of {ByteSize.Describe(_limits.MaxExpandedBytes)} " +
                $"({IngestionLimits.Section}:{nameof(IngestionLimits.MaxExpandedBytes)}); it is refused as a possible compression bomb.");
        }

        // Compressed bytes read include what the decompressor buffered ahead, so the ratio is never overstated.
        if (BytesOut > _limits.ExpansionRatioFloorBytes && BytesOut > _limits.MaxExpansionRatio * Math.Max(_compressed.BytesRead, 1))
        {
            throw new IngestionDataException(
                $"The compressed file expands {BytesOut / Math.Max(_compressed.BytesRead, 1):N0} times: {ByteSize.Describe(BytesOut)} came out of " +
                $"{ByteSize.Describe(_compressed.BytesRead)}, more than the limit of {_limits.MaxExpansionRatio:N0} times once past " +
                $"{ByteSize.Describe(_limits.ExpansionRatioFloorBytes)} ({IngestionLimits.Section}:{nameof(IngestionLimits.MaxExpansionRatio)}). " +
                "No data file compresses that well; it is refused as a possible compression bomb.");
        }

        return read;
    }

    /// <summary>Counts the compressed bytes the decompressor takes.</summary>
    private sealed class CountingStream(Stream inner) : ReadOnlyStream
    {
        public long BytesRead { get; private set; }

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

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
            return read;
        }
    }
}
