using System.Text;
using System.Text.Json.Serialization;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// How to read a payload, as the user gave it (upload query parameters). Every field is optional: what is not
/// given is detected from the file name and the content.
/// </summary>
public sealed record FormatOptions
{
    /// <summary>The formats a user can name.</summary>
    public static readonly IReadOnlyList<string> Formats = ["csv", "tsv", "xlsx", "json", "jsonl"];

    /// <summary>The encodings a user can name (a byte order mark in the file still wins).</summary>
    public static readonly IReadOnlyList<string> Encodings = ["utf-8", "utf-16le", "utf-16be", "windows-1252"];

    /// <summary><c>csv</c>, <c>tsv</c>, <c>xlsx</c>, <c>json</c> or <c>jsonl</c>.</summary>
    public string? Format { get; init; }

    /// <summary>The delimiter of delimited text: one character, or <c>tab</c>.</summary>
    public string? Delimiter { get; init; }

    /// <summary>The text encoding; see <see cref="Encodings"/>.</summary>
    public string? Encoding { get; init; }

    /// <summary>False when delimited text has no header row.</summary>
    public bool? Header { get; init; }

    /// <summary>The Excel sheet to read; the first when not given.</summary>
    public string? Sheet { get; init; }

    /// <summary>True when nothing was given.</summary>
    [JsonIgnore]
    public bool IsEmpty => this == new FormatOptions();

    /// <summary>Checks the values; returns a message naming the first bad one, or null.</summary>
    public string? Validate()
    {
        if (Format is not null && !Formats.Contains(Format, StringComparer.OrdinalIgnoreCase))
        {
            return $"format '{Format}' is not one of {string.Join(", ", Formats)}.";
        }

        if (Delimiter is not null && DelimiterChar is null)
        {
            return $"delimiter '{Delimiter}' must be one character (such as , ; | ) or 'tab', and not a quote or a line break.";
        }

        if (Encoding is not null && TextEncoding is null)
        {
            return $"encoding '{Encoding}' is not one of {string.Join(", ", Encodings)}.";
        }

        return null;
    }

    /// <summary>The delimiter as a character, or null when not given or invalid.</summary>
    [JsonIgnore]
    public char? DelimiterChar => Delimiter switch
    {
        null => null,
        "tab" or "\\t" or "\t" => '\t',
        { Length: 1 } d when d[0] is not ('"' or '\r' or '\n') => d[0],
        _ => null,
    };

    /// <summary>The encoding, or null when not given or unknown.</summary>
    [JsonIgnore]
    public Encoding? TextEncoding => Encoding?.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, true),
        "utf-16le" or "utf-16" => new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true),
        "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true),
        "windows-1252" or "cp1252" => Windows1252,
        _ => null,
    };

    /// <summary>Windows-1252, which .NET provides through the code pages provider.</summary>
    internal static Encoding Windows1252
    {
        get
        {
            System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return System.Text.Encoding.GetEncoding(1252);
        }
    }
}
