using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Diviora.Api.GraphQl;

/// <summary>
/// Turns dataset and column names into GraphQL names (<c>[_A-Za-z][_0-9A-Za-z]*</c>): accents are dropped, every other
/// character that GraphQL does not allow becomes <c>_</c>, a leading digit gets a <c>_</c> before it, and the
/// <c>__</c> prefix GraphQL reserves for introspection is cut to one <c>_</c>. <c>sales-2024</c> becomes
/// <c>Sales_2024</c> as a type and <c>sales_2024</c> as a field; <c>Contact Phone</c> becomes <c>Contact_Phone</c>.
/// </summary>
internal static partial class GraphQlNames
{
    /// <summary><paramref name="text"/> as a valid GraphQL name, not yet unique.</summary>
    public static string Sanitize(string text)
    {
        var name = new StringBuilder(text.Length + 1);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }

        while (name.Length > 1 && name[0] == '_' && name[1] == '_')
        {
            name.Remove(0, 1);
        }

        return name.ToString();
    }

    /// <summary>The object type name of a dataset's rows: sanitized, first letter upper case.</summary>
    public static string TypeName(string dataset) => WithFirst(Sanitize(dataset), char.ToUpperInvariant);

    /// <summary>The query field name of a dataset's rows: sanitized, first letter lower case.</summary>
    public static string FieldName(string dataset) => WithFirst(Sanitize(dataset), char.ToLowerInvariant);

    /// <summary>
    /// <paramref name="name"/>, or <c>name_2</c>, <c>name_3</c>... the first that neither it nor any of its
    /// <paramref name="suffixes"/> (<c>namePage</c>) is in <paramref name="used"/>; claims them all.
    /// </summary>
    public static string Claim(ISet<string> used, string name, params ReadOnlySpan<string> suffixes)
    {
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? name : $"{name}_{n}";
            if (used.Contains(candidate) || Any(used, candidate, suffixes))
            {
                continue;
            }

            used.Add(candidate);
            foreach (var suffix in suffixes)
            {
                used.Add(candidate + suffix);
            }

            return candidate;
        }
    }

    /// <summary>
    /// A <c>select</c> list naming <paramref name="columns"/> as the query language reads them: a plain name as it is,
    /// any other (with spaces, commas, quotes...) in double quotes with <c>"</c> doubled.
    /// </summary>
    public static string SelectList(IEnumerable<string> columns) => string.Join(",", columns.Select(QuoteColumn));

    private static string QuoteColumn(string column) =>
        PlainColumn().IsMatch(column) ? column : "\"" + column.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool Any(ISet<string> used, string candidate, ReadOnlySpan<string> suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (used.Contains(candidate + suffix))
            {
                return true;
            }
        }

        return false;
    }

    private static string WithFirst(string name, Func<char, char> change) => change(name[0]) + name[1..];

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainColumn();
}
