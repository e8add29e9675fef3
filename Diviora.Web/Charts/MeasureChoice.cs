using System.Text;
using Diviora.Web.Explore;

namespace Diviora.Web.Charts;

/// <summary>One measure picked in the chart form: a function and, except for count, a column.</summary>
public sealed class MeasureChoice
{
    public static readonly IReadOnlyList<string> Functions = ["count", "sum", "avg", "min", "max", "countdistinct"];

    public string Function { get; set; } = "count";

    public string Column { get; set; } = "";

    /// <summary>The measure as the aggregate API reads it, or null while its column is not chosen.</summary>
    public string? ToText() => Function == "count" ? "count()" : Column.Length == 0 ? null : $"{Function}({FilterText.Name(Column)})";

    /// <summary>Reads measures back from their text, as a saved chart keeps them.</summary>
    public static IEnumerable<MeasureChoice> Parse(string measures)
    {
        foreach (var measure in Split(measures))
        {
            var open = measure.IndexOf('(', StringComparison.Ordinal);
            if (open < 0 || !measure.EndsWith(')'))
            {
                continue;
            }

            var column = Split(measure[(open + 1)..^1]) is [var first, ..] ? first : "";
            yield return new MeasureChoice { Function = measure[..open].Trim().ToLowerInvariant(), Column = column };
        }
    }

    /// <summary>Splits on commas outside double quotes and parentheses, unquoting names.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                if (quoted && i + 1 < text.Length && text[i + 1] == '"')
                {
                    // Inside parentheses the name stays quoted for the inner split, so its quote stays doubled too.
                    current.Append(depth > 0 ? "\"\"" : "\"");
                    i++;
                    continue;
                }

                quoted = !quoted;
                if (depth > 0)
                {
                    current.Append(c);
                }

                continue;
            }

            if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == ',')
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            parts.Add(last);
        }

        return parts;
    }
}
