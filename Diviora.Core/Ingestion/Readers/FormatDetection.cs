using System.Text;
using System.Text.Unicode;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// Decides how to read a payload from what the user said, the file name and the first bytes. Every detection can be
/// overridden with <see cref="FormatOptions"/>.
/// </summary>
public static class FormatDetection
{
    private static readonly char[] Delimiters = [',', ';', '\t', '|'];
    private const int SniffRecords = 50;

    /// <summary>Strips a <c>.gz</c> suffix, so <c>sales.csv.gz</c> is read as <c>sales.csv</c>.</summary>
    public static string? InnerFileName(string? fileName) =>
        fileName is not null && fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? fileName[..^3] : fileName;

    /// <summary>True when the bytes start with the gzip magic number.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> sample) => sample.Length >= 2 && sample[0] == 0x1F && sample[1] == 0x8B;

    /// <summary>Detects the format of a payload from its (decompressed) first bytes.</summary>
    public static DetectedFormat Detect(ReadOnlySpan<byte> sample, bool sampleIsWhole, string? fileName, FormatOptions options, bool compressed)
    {
        var kind = KindOf(options.Format) ?? KindOfName(InnerFileName(fileName)) ?? KindOfContent(sample);
        if (kind != PayloadKind.Delimited)
        {
            return new DetectedFormat(kind, ',', options.TextEncoding, true, options.Sheet, compressed);
        }

        var encoding = options.TextEncoding ?? EncodingOf(sample, sampleIsWhole);
        var delimiter = options.DelimiterChar
            ?? (string.Equals(options.Format, "tsv", StringComparison.OrdinalIgnoreCase) || IsTsvName(InnerFileName(fileName)) ? '\t' : SniffDelimiter(sample, encoding));
        return new DetectedFormat(kind, delimiter, encoding, options.Header ?? true, null, compressed);
    }

    private static PayloadKind? KindOf(string? format) => format?.ToLowerInvariant() switch
    {
        "csv" or "tsv" => PayloadKind.Delimited,
        "xlsx" => PayloadKind.Excel,
        "json" => PayloadKind.Json,
        "jsonl" => PayloadKind.JsonLines,
        _ => null,
    };

    private static PayloadKind? KindOfName(string? fileName) => Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
    {
        ".csv" or ".tsv" or ".tab" or ".txt" or ".psv" => PayloadKind.Delimited,
        ".xlsx" => PayloadKind.Excel,
        ".json" => PayloadKind.Json,
        ".jsonl" or ".ndjson" => PayloadKind.JsonLines,
        _ => null,
    };

    private static bool IsTsvName(string? fileName) =>
        Path.GetExtension(fileName ?? "").ToLowerInvariant() is ".tsv" or ".tab";

    private static PayloadKind KindOfContent(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith("PK\u0003\u0004"u8))
        {
            return PayloadKind.Excel;
        }

        var text = sample.StartsWith("\uFEFF"u8) ? sample[3..] : sample;
        var first = text.IndexOfAnyExcept(" \t\r\n"u8);
        return first < 0 ? PayloadKind.Delimited : text[first] switch
        {
            (byte)'[' => PayloadKind.Json,
            (byte)'{' => PayloadKind.JsonLines,
            _ => PayloadKind.Delimited,
        };
    }

    /// <summary>
    /// The encoding of text without a byte order mark: UTF-8 when the bytes are valid UTF-8, UTF-16 when every other
    /// byte is zero, else Windows-1252 (the usual source of accented text that is not UTF-8).
    /// </summary>
    internal static Encoding? EncodingOf(ReadOnlySpan<byte> sample, bool sampleIsWhole)
    {
        // A byte order mark decides; the reader honours it too, this only names it.
        if (sample.StartsWith("\uFEFF"u8))
        {
            return null;
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true);
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true);
        }

        if (LooksUtf16(sample, out var bigEndian))
        {
            return new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true);
        }

        // A sample cut from a longer file may end inside a multi-byte character.
        var checkedPart = sampleIsWhole ? sample : sample[..Math.Max(0, sample.Length - 3)];
        return Utf8.IsValid(checkedPart) ? null : FormatOptions.Windows1252;
    }

    private static bool LooksUtf16(ReadOnlySpan<byte> sample, out bool bigEndian)
    {
        int evenZeros = 0, oddZeros = 0, pairs = Math.Min(sample.Length / 2, 4096);
        for (var i = 0; i < pairs; i++)
        {
            evenZeros += sample[2 * i] == 0 ? 1 : 0;
            oddZeros += sample[(2 * i) + 1] == 0 ? 1 : 0;
        }

        bigEndian = evenZeros > oddZeros;
        return pairs >= 4 && Math.Max(evenZeros, oddZeros) > pairs * 0.4 && Math.Min(evenZeros, oddZeros) < pairs * 0.05;
    }

    /// <summary>
    /// The candidate delimiter that splits the first records into the same, non-zero number of fields most often;
    /// quoted text is skipped. Ties go to the comma, then <c>;</c>, tab and <c>|</c>.
    /// </summary>
    internal static char SniffDelimiter(ReadOnlySpan<byte> sample, Encoding? encoding)
    {
        var text = (encoding ?? new UTF8Encoding(false, false)).GetString(sample);
        var counts = new List<int[]>();
        var current = new int[Delimiters.Length];
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '\n')
            {
                counts.Add(current);
                current = new int[Delimiters.Length];
                if (counts.Count == SniffRecords)
                {
                    break;
                }
            }
            else if (!quoted && Array.IndexOf(Delimiters, c) is var d and >= 0)
            {
                current[d]++;
            }
        }

        if (counts.Count == 0)
        {
            counts.Add(current);
        }

        var best = 0;
        var bestScore = -1.0;
        for (var d = 0; d < Delimiters.Length; d++)
        {
            var header = counts[0][d];
            if (header == 0)
            {
                continue;
            }

            var consistent = counts.Count(record => record[d] == header);
            var score = consistent + (header / 1000.0);
            if (score > bestScore)
            {
                (best, bestScore) = (d, score);
            }
        }

        return Delimiters[best];
    }
}
