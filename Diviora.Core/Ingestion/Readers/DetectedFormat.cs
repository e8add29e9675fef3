using System.Text;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>The kinds of payload Diviora reads.</summary>
public enum PayloadKind
{
    /// <summary>Delimited text: CSV, TSV and their relatives.</summary>
    Delimited,
    /// <summary>An Excel .xlsx workbook.</summary>
    Excel,
    /// <summary>A JSON array of objects.</summary>
    Json,
    /// <summary>JSON Lines: one object per line.</summary>
    JsonLines,
}

/// <summary>How a payload will be read: what the user said, and the rest detected from its name and first bytes.</summary>
/// <param name="Kind">The format.</param>
/// <param name="Delimiter">The field delimiter of delimited text.</param>
/// <param name="Encoding">The text encoding when the payload has no byte order mark; null means strict UTF-8.</param>
/// <param name="HasHeader">Whether delimited text starts with a header row.</param>
/// <param name="Sheet">The Excel sheet, or null for the first.</param>
/// <param name="Compressed">Whether the payload is gzip.</param>
public sealed record DetectedFormat(PayloadKind Kind, char Delimiter, Encoding? Encoding, bool HasHeader, string? Sheet, bool Compressed)
{
    /// <summary>The format in a few words, for run details and logs: <c>csv (';', windows-1252, gzip)</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Kind == PayloadKind.Delimited)
        {
            parts.Add(Delimiter == '\t' ? "tab" : $"'{Delimiter}'");
            parts.Add(Encoding?.WebName ?? "utf-8");
            if (!HasHeader)
            {
                parts.Add("no header");
            }
        }

        if (Sheet is not null)
        {
            parts.Add($"sheet '{Sheet}'");
        }

        if (Compressed)
        {
            parts.Add("gzip");
        }

        return parts.Count == 0 ? Name : $"{Name} ({string.Join(", ", parts)})";
    }

    /// <summary>The format as the upload's format option names it: <c>csv</c>, <c>tsv</c>, <c>xlsx</c>, <c>json</c> or <c>jsonl</c>.</summary>
    public string Name => Kind switch
    {
        PayloadKind.Delimited => Delimiter == '\t' ? "tsv" : "csv",
        PayloadKind.Excel => "xlsx",
        PayloadKind.Json => "json",
        _ => "jsonl",
    };
}
