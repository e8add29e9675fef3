using System.Text;
using Diviora.Core.Storage;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>Opens the right <see cref="IRecordReader"/> for a stored payload: gzip unwrapped, format detected or as given.</summary>
public sealed class RecordReaders(IPayloadStore payloads, IOptions<IngestionLimits> limits)
{
    private const int SampleBytes = 64 * 1024;

    private readonly IngestionLimits _limits = limits.Value;

    /// <summary>Opens the payload in <paramref name="blobName"/> for one pass over its records.</summary>
    /// <param name="blobName">The stored payload.</param>
    /// <param name="fileName">The name it was uploaded with, which hints at its format.</param>
    /// <param name="options">What the user said about its format.</param>
    /// <param name="earlier">What an earlier pass over the same payload established; null for the first pass.</param>
    /// <param name="cancellationToken">Stops the opening.</param>
    /// <exception cref="IngestionDataException">The payload cannot be read in the detected or given format.</exception>
    public async Task<(IRecordReader Reader, DetectedFormat Format)> OpenAsync(
        string blobName, string? fileName, FormatOptions options, EarlierPass? earlier, CancellationToken cancellationToken)
    {
        var rowsChecked = earlier is not null;
        var stream = await payloads.OpenReadAsync(blobName, cancellationToken);
        Stream? second = null;
        try
        {
            var (sample, sampled) = await ReplayStream.SampleAsync(stream, SampleBytes, cancellationToken);
            stream = sampled;
            var compressed = FormatDetection.IsGzip(sample);
            if (compressed)
            {
                stream = Decompressed(stream);
                (sample, stream) = await ReplayStream.SampleAsync(stream, SampleBytes, cancellationToken);
            }

            var format = FormatDetection.Detect(sample, sample.Length < SampleBytes, fileName, options, compressed);
            if (format.Kind == PayloadKind.Delimited && format.Encoding is not UnicodeEncoding && sample.AsSpan().Contains((byte)0))
            {
                // Text in a single-byte or UTF-8 encoding has no NUL bytes; refusing here spares parsing a binary file.
                throw new IngestionDataException($"The file looks binary, not delimited text: it has NUL bytes in its first {sample.Length:N0} bytes.");
            }

            switch (format.Kind)
            {
                case PayloadKind.Delimited:
                    var csvLimits = new CsvLimits(rowsChecked ? int.MaxValue : _limits.MaxRowChars, _limits.MaxColumns);
                    return (CsvRecordReader.Open(stream, format.Delimiter, format.Encoding, format.HasHeader, csvLimits, leaveOpen: false), format);
                case PayloadKind.Json or PayloadKind.JsonLines when earlier?.JsonKeys is { } keys:
                    // An earlier pass found the keys: one read of the records.
                    return (JsonRecordReader.OpenKnown(stream, format.Kind == PayloadKind.Json ? JsonRecordFormat.Array : JsonRecordFormat.Lines, keys,
                        new JsonReaderLimits(_limits.MaxColumns, _limits.MaxRowChars)), format);
                case PayloadKind.Json or PayloadKind.JsonLines:
                    // JSON names no columns up front: the reader scans once for the keys, then reads the records
                    // from a second stream, opened here (blob streams download lazily) so nothing blocks later.
                    second = await payloads.OpenReadAsync(blobName, cancellationToken);
                    second = compressed ? Decompressed(second) : second;
                    var streams = new Queue<Stream>([stream, second]);
                    return (JsonRecordReader.Open(streams.Dequeue, format.Kind == PayloadKind.Json ? JsonRecordFormat.Array : JsonRecordFormat.Lines,
                        new JsonReaderLimits(_limits.MaxColumns, _limits.MaxRowChars)), format);
                case PayloadKind.Excel:
                    return (new OwningRecordReader(ExcelRecordReader.Open(stream, format.Sheet,
                        new ExcelReaderLimits { MaxExpandedBytes = _limits.MaxExpandedBytes, MaxColumns = _limits.MaxColumns }), stream), format);
                default:
                    throw new InvalidOperationException($"No reader reads payloads of kind {format.Kind}.");
            }
        }
        catch (InvalidDataException e)
        {
            await DisposeAsync(stream, second);
            throw new IngestionDataException($"The gzip data is corrupt: {e.Message}", e);
        }
        catch
        {
            await DisposeAsync(stream, second);
            throw;
        }
    }

    /// <summary>The payload's bytes, decompressed when it is gzip (for the passes that read it whole, such as documents).</summary>
    public async Task<Stream> OpenDecodedAsync(string blobName, CancellationToken cancellationToken)
    {
        var stream = await payloads.OpenReadAsync(blobName, cancellationToken);
        var (sample, sampled) = await ReplayStream.SampleAsync(stream, SampleBytes, cancellationToken);
        return FormatDetection.IsGzip(sample) ? Decompressed(sampled) : sampled;
    }

    private BoundedGzipStream Decompressed(Stream stream) => new(stream, _limits);

    private static async Task DisposeAsync(Stream first, Stream? second)
    {
        await first.DisposeAsync();
        if (second is not null)
        {
            await second.DisposeAsync();
        }
    }

    /// <summary>Disposes the payload stream with a reader that leaves it open (Excel).</summary>
    private sealed class OwningRecordReader(IRecordReader inner, Stream stream) : IRecordReader
    {
        public IReadOnlyList<string> Header => inner.Header;

        public long RowNumber => inner.RowNumber;

        public string Location => inner.Location;

        public ReadOnlySpan<char> this[int column] => inner[column];

        public bool IsNull(int column) => inner.IsNull(column);

        public bool Read() => inner.Read();

        public void Dispose()
        {
            inner.Dispose();
            stream.Dispose();
        }
    }
}
