using System.Text;

namespace Diviora.Web.Uploads;

/// <summary>Dataset names as the Api accepts them: a letter, then letters, digits, '_' or '-', at most 63.</summary>
public static class DatasetNames
{
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 63 && char.IsAsciiLetter(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>A name suggested from a file name: <c>Sales 2024 (EU).csv.gz</c> becomes <c>sales_2024_eu</c>.</summary>
    public static string Suggest(string fileName)
    {
        var stem = fileName;
        foreach (var extension in new[] { ".gz", ".csv", ".tsv", ".tab", ".txt", ".psv", ".xlsx", ".jsonl", ".ndjson", ".json" })
        {
            if (stem.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                stem = stem[..^extension.Length];
            }
        }

        var name = new StringBuilder();
        foreach (var c in stem.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-')
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '_')
            {
                name.Append('_');
            }
        }

        var text = name.ToString().Trim('_', '-');
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            text = "data_" + text;
        }

        return text.Length > 63 ? text[..63].TrimEnd('_', '-') : text;
    }
}
