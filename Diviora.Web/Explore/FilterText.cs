using System.Globalization;
using Diviora.Web.Api;

namespace Diviora.Web.Explore;

/// <summary>Writes names and values in the Api's filter language (docs/query.md): the Web builds text, the Api checks it.</summary>
public static class FilterText
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in", "is", "null", "contains", "startswith", "true", "false", "asc", "desc",
    };

    /// <summary>A column name, bare when the language allows it, else in double quotes.</summary>
    public static string Name(string column)
    {
        var bare = column.Length > 0 && (char.IsAsciiLetter(column[0]) || column[0] == '_') &&
            column.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') && !Keywords.Contains(column);
        return bare ? column : "\"" + column.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A text literal in single quotes.</summary>
    public static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// A value typed for its column: text is quoted; numbers, booleans, dates and times are written as given, so the Api's
    /// message names a value that does not fit.
    /// </summary>
    public static string Literal(ColumnSummary column, string value) => column.Type switch
    {
        "text" => Text(value),
        "boolean" => value.Trim().ToLowerInvariant(),
        "integer" or "decimal" or "double" => Number(value.Trim()),
        _ => value.Trim(),
    };

    /// <summary>
    /// A number as typed, with a decimal comma (<c>12,50</c>) read as a point. Anything else with a comma
    /// (<c>1,000</c>, <c>1.000,5</c>) is left as typed, so the Api names it instead of filtering on another number.
    /// </summary>
    private static string Number(string value) =>
        value.Count(c => c == ',') == 1 && !value.Contains('.', StringComparison.Ordinal) && value.Split(',')[1].Length != 3
            ? value.Replace(',', '.')
            : value;

    /// <summary>Conditions joined with <c>and</c>, each in parentheses when it holds an <c>or</c>.</summary>
    public static string? And(IEnumerable<string?> conditions)
    {
        var parts = conditions.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim()).ToList();
        return parts.Count switch
        {
            0 => null,
            1 => parts[0],
            _ => string.Join(" and ", parts.Select(p => "(" + p + ")")),
        };
    }

    /// <summary>A number for display in the user's culture.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.CurrentCulture);
}
