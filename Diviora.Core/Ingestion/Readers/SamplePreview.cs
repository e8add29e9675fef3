using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// How the engine would read a file, judged from its first bytes before it is uploaded: the detected format, the
/// columns with the types inferred from the sample's records, and the first records as text.
/// </summary>
/// <param name="Format">How the sample is read.</param>
/// <param name="Sheets">The workbook's sheets, when the sample is a whole .xlsx workbook.</param>
/// <param name="Sheet">The sheet read, for a workbook.</param>
/// <param name="Columns">The column names as a run would name them, each with its inferred type.</param>
/// <param name="Rows">The first records, cells as text (null for an empty field).</param>
/// <param name="SampleIsWhole">True when the sample holds the whole file, so nothing was cut off.</param>
public sealed record SamplePreview(
    DetectedFormat Format, IReadOnlyList<string>? Sheets, string? Sheet, IReadOnlyList<(string Name, ColumnType Type)> Columns,
    IReadOnlyList<string?[]> Rows, bool SampleIsWhole)
{
    /// <summary>The most records a preview lists.</summary>
    public const int PreviewRows = 10;

    /// <summary>
    /// Reads <paramref name="sample"/>, the first bytes of a file (its whole content when <paramref name="complete"/>).
    /// A sample cut from a longer file ends where its last whole record ends: the text after the last line break, a
    /// JSON array's unfinished element and the undecompressed rest of a gzip stream are dropped.
    /// </summary>
    /// <exception cref="IngestionDataException">The sample cannot be read in the detected or given format.</exception>
    public static SamplePreview Read(byte[] sample, bool complete, string? fileName, FormatOptions options, IngestionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(limits);
        var compressed = FormatDetection.IsGzip(sample);
        var whole = complete;
        var bytes = sample;
        if (compressed)
        {
            (bytes, whole) = Decompress(sample, complete, sample.Length);
        }

        var format = FormatDetection.Detect(bytes, whole, fileName, options, compressed);
        if (format.Kind == PayloadKind.Excel)
        {
            return whole ? ReadWorkbook(bytes, format, limits) : new SamplePreview(format, null, null, [], [], false);
        }

        // The text's end shows whether the sample cut a record: it is whole only when it ends a record.
        var text = format.Kind == PayloadKind.Json ? CompleteArray(bytes) : CutAtLastLineBreak(bytes, format);
        whole = whole && ReferenceEquals(text, bytes);

        if (format.Kind == PayloadKind.Delimited && format.Encoding is not UnicodeEncoding && text.AsSpan().Contains((byte)0))
        {
            throw new IngestionDataException($"The file looks binary, not delimited text: it has NUL bytes in its first {text.Length:N0} bytes.");
        }

        using var stream = new MemoryStream(text, writable: false);
        using IRecordReader reader = format.Kind == PayloadKind.Delimited
            ? CsvRecordReader.Open(stream, format.Delimiter, format.Encoding, format.HasHeader, new CsvLimits(limits.MaxRowChars, limits.MaxColumns))
            : JsonRecordReader.Open(stream, format.Kind == PayloadKind.Json ? JsonRecordFormat.Array : JsonRecordFormat.Lines,
                new JsonReaderLimits(limits.MaxColumns, limits.MaxRowChars));
        var (columns, rows) = Records(reader, stopAtError: !whole);
        return new SamplePreview(format, null, null, columns, rows, whole);
    }

    /// <summary>
    /// A whole workbook's sheets, columns and first records. Detection expands at most
    /// <see cref="IngestionLimits.MaxDetectionExpandedBytes"/>: a workbook whose parts add up to more is previewed like a
    /// part of one (its format only), and the run reads it under the run's own limits.
    /// </summary>
    private static SamplePreview ReadWorkbook(byte[] bytes, DetectedFormat format, IngestionLimits limits)
    {
        if (DeclaredExpansion(bytes) > limits.MaxDetectionExpandedBytes)
        {
            return new SamplePreview(format, null, null, [], [], false);
        }

        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = ExcelRecordReader.Open(stream, format.Sheet,
            new ExcelReaderLimits { MaxExpandedBytes = limits.MaxDetectionExpandedBytes, MaxColumns = limits.MaxColumns });
        var (columns, rows) = Records(reader, stopAtError: false);
        return new SamplePreview(format, reader.SheetNames, reader.SheetName, columns, rows, true);
    }

    /// <summary>
    /// What a workbook's zip parts expand to by its central directory, which the zip reader holds each part to; 0 when it
    /// is not a zip, so that the Excel reader says what is wrong with it.
    /// </summary>
    private static long DeclaredExpansion(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            return zip.Entries.Sum(e => e.Length);
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Every record of the sample through the engine's own inference, keeping the first few as text. In a sample cut
    /// short, a record that does not read (a quoted field the cut left open) ends the sample instead of failing it.
    /// </summary>
    private static (List<(string, ColumnType)> Columns, List<string?[]> Rows) Records(IRecordReader reader, bool stopAtError)
    {
        var names = ColumnNaming.ColumnNames(reader.Header);
        var inference = new ColumnTypeInference[names.Length];
        for (var i = 0; i < inference.Length; i++)
        {
            inference[i] = new ColumnTypeInference();
        }

        var nullTokens = DatasetSettings.DefaultNullTokens;
        var rows = new List<string?[]>(PreviewRows);
        while (Next(reader, stopAtError))
        {
            var row = rows.Count < PreviewRows ? new string?[names.Length] : null;
            for (var i = 0; i < names.Length; i++)
            {
                var value = reader[i];
                var isNull = reader.IsNull(i);
                inference[i].Observe(value, isNull || IsNullToken(value, nullTokens));
                if (row is not null && !isNull)
                {
                    row[i] = value.ToString();
                }
            }

            if (row is not null)
            {
                rows.Add(row);
            }
        }

        return ([.. names.Select((n, i) => (n, inference[i].Result))], rows);
    }

    private static bool Next(IRecordReader reader, bool stopAtError)
    {
        try
        {
            return reader.Read();
        }
        catch (IngestionDataException) when (stopAtError)
        {
            return false;
        }
    }

    private static bool IsNullToken(ReadOnlySpan<char> value, IReadOnlyList<string> tokens)
    {
        foreach (var token in tokens)
        {
            if (value.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What the gzip sample decompresses to, up to as many bytes as the sample has (at least 1 MiB), and whether that is
    /// the whole file: a complete sample whose stream ended within the bound.
    /// </summary>
    private static (byte[] Bytes, bool Whole) Decompress(byte[] sample, bool complete, int bound)
    {
        bound = Math.Max(bound, 1 << 20);
        using var output = new MemoryStream();
        using var gzip = new GZipStream(new MemoryStream(sample, writable: false), CompressionMode.Decompress);
        var buffer = new byte[64 * 1024];
        var ended = false;
        try
        {
            while (output.Length < bound)
            {
                var n = gzip.Read(buffer, 0, (int)Math.Min(buffer.Length, bound - output.Length));
                if (n == 0)
                {
                    ended = true;
                    break;
                }

                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException e) when (complete)
        {
            throw new IngestionDataException($"The gzip data is corrupt: {e.Message}", e);
        }
        catch (InvalidDataException)
        {
            // The sample cut the stream short: keep what it held.
        }

        return output.Length == 0 && !ended
            ? throw new IngestionDataException("The gzip sample is too short to hold any of the file's content: send more of the file.")
            : (output.ToArray(), complete && ended);
    }

    /// <summary>
    /// The sample up to and with its last line break: the very array when that is its end, or when it has none (a
    /// header alone, or one long record).
    /// </summary>
    private static byte[] CutAtLastLineBreak(byte[] bytes, DetectedFormat format)
    {
        var end = LastLineBreak(bytes, format);
        return end > 0 && end < bytes.Length ? bytes[..end] : bytes;
    }

    /// <summary>Where the text after the last line feed starts, in the sample's encoding (UTF-16 pairs stay whole); 0 when there is none.</summary>
    private static int LastLineBreak(byte[] bytes, DetectedFormat format)
    {
        if (format.Encoding is UnicodeEncoding utf16)
        {
            var bigEndian = utf16.CodePage == 1201;
            for (var i = (bytes.Length & ~1) - 2; i >= 0; i -= 2)
            {
                if (bigEndian ? bytes[i] == 0 && bytes[i + 1] == (byte)'\n' : bytes[i] == (byte)'\n' && bytes[i + 1] == 0)
                {
                    return i + 2;
                }
            }

            return 0;
        }

        return bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
    }

    /// <summary>
    /// A JSON array cut short, closed after its last complete element: <c>[{..},{..},{..</c> becomes <c>[{..},{..}]</c>.
    /// </summary>
    private static byte[] CompleteArray(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes, isFinalBlock: false, default);
        var offset = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var end = -1;
        try
        {
            while (reader.Read())
            {
                // Depth 1 after an element's last token: an object or array just closed, or a scalar ended, in the array.
                if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.String
                    or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
                {
                    end = offset + (int)reader.BytesConsumed;
                }
                else if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndArray)
                {
                    return bytes;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed before the cut: the reader below says where.
            return bytes;
        }

        return end < 0 ? [.. bytes.AsSpan(0, offset), .. "[]"u8] : [.. bytes.AsSpan(0, end), .. "]"u8];
    }
}
