using System.Globalization;
using System.Text.Json;
using Diviora.Web.Api;

namespace Diviora.Web.Charts;

/// <summary>One line, set of bars or set of points: a name and a value per category.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);

/// <summary>
/// What a chart shows, independent of the library that draws it: categories along the x axis and one series per
/// measure (or per value of a second group-by column).
/// </summary>
public sealed record ChartFigure(string Type, string XTitle, string YTitle, IReadOnlyList<object> Categories, IReadOnlyList<ChartSeries> Series, bool Stacked = false)
{
    /// <summary>The most categories a chart draws; more would be unreadable.</summary>
    public const int MaxCategories = 500;

    public bool IsEmpty => Categories.Count == 0 || Series.Count == 0;

    /// <summary>
    /// Turns an aggregate answer into a figure. With one group-by column each measure is a series; with two, the first
    /// column runs along the x axis and each value of the second is a series of the first measure.
    /// </summary>
    public static ChartFigure From(AggregateResult result, string type)
    {
        if (result.GroupBy.Count == 0 || result.Measures.Count == 0)
        {
            return new ChartFigure(type, "", "", [], []);
        }

        var x = result.GroupBy[0];
        if (result.GroupBy.Count == 1 || type == "pie")
        {
            var categories = result.Rows.Take(MaxCategories).Select(r => Category(r, x)).ToList();
            var series = result.Measures
                .Take(type == "pie" ? 1 : result.Measures.Count)
                .Select(m => new ChartSeries(m, [.. result.Rows.Take(MaxCategories).Select(r => Number(r, m))]))
                .ToList();
            return new ChartFigure(type, x, series.Count == 1 ? series[0].Name : "", categories, series);
        }

        // Two group-by columns: a series per value of the second one.
        var by = result.GroupBy[1];
        var measure = result.Measures[0];
        var xs = new List<object>();
        var xIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var seriesValues = new Dictionary<string, Dictionary<int, double?>>(StringComparer.Ordinal);
        foreach (var row in result.Rows)
        {
            var category = Category(row, x);
            var key = Convert.ToString(category, CultureInfo.InvariantCulture) ?? "";
            if (!xIndex.TryGetValue(key, out var index))
            {
                if (xs.Count == MaxCategories)
                {
                    continue;
                }

                index = xIndex[key] = xs.Count;
                xs.Add(category);
            }

            var name = Convert.ToString(Category(row, by), CultureInfo.InvariantCulture) ?? "";
            if (!seriesValues.TryGetValue(name, out var values))
            {
                seriesValues[name] = values = [];
            }

            values[index] = Number(row, measure);
        }

        var all = seriesValues.Select(s => new ChartSeries(s.Key, [.. Enumerable.Range(0, xs.Count).Select(i => s.Value.GetValueOrDefault(i))])).ToList();
        return new ChartFigure(type, x, measure, xs, all, Stacked: type == "bar");
    }

    /// <summary>A group value for an axis: numbers stay numbers, null reads "(empty)".</summary>
    public static object Category(Dictionary<string, JsonElement> row, string column) =>
        !row.TryGetValue(column, out var value) ? "(empty)" : value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => "(empty)",
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.String => value.GetString() ?? "",
            _ => value.GetRawText(),
        };

    /// <summary>A measure's value; null when the group has none (the sum of only nulls).</summary>
    public static double? Number(Dictionary<string, JsonElement> row, string measure) =>
        row.TryGetValue(measure, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        } : null;
}
