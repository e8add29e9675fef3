using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Turns a file's header into column names users see and physical names the warehouse uses.
/// Blank headers become <c>column_N</c> and repeated ones get a <c>_2</c>, <c>_3</c> suffix, so every column keeps
/// its data; physical names are generated from the header and never contain anything but <c>[a-z0-9_]</c>.
/// </summary>
public static class ColumnNaming
{
    /// <summary>The longest generated physical name, leaving room for a de-duplicating suffix.</summary>
    private const int MaxPhysicalLength = 56;

    /// <summary>Names for each header field: blank ones generated, repeated ones made unique.</summary>
    public static string[] ColumnNames(IReadOnlyList<string> header)
    {
        var names = new string[header.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = string.IsNullOrWhiteSpace(header[i]) ? $"column_{i + 1}" : header[i];
            names[i] = Unique(name, used);
        }

        return names;
    }

    /// <summary>Physical names for the columns, unique within the dataset, each matching <see cref="Warehouse.SqlIdentifier"/>.</summary>
    public static string[] PhysicalNames(IReadOnlyList<string> columnNames)
    {
        var physical = new string[columnNames.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columnNames.Count; i++)
        {
            physical[i] = Unique(columnNames[i] == SystemColumns.Source ? SystemColumns.Source : Sanitize(columnNames[i]), used);
        }

        return physical;
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, MaxPhysicalLength));
        foreach (var c in name.Normalize(NormalizationForm.FormKD))
        {
            if (builder.Length == MaxPhysicalLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '_' && !IsCombiningMark(c))
            {
                builder.Append('_');
            }
        }

        var sanitized = builder.ToString().TrimEnd('_');
        // Names starting with '_' are Diviora's own; a name must start with a letter.
        return sanitized.Length == 0 || !char.IsAsciiLetter(sanitized[0]) ? "c_" + sanitized : sanitized;
    }

    private static bool IsCombiningMark(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    /// <summary><paramref name="name"/>, or with the first free <c>_2</c>, <c>_3</c>, ... suffix; the result is added to <paramref name="used"/>.</summary>
    internal static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{name}_{n}";
        }

        return candidate;
    }
}
