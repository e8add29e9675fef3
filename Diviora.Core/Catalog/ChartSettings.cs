using System.Text.Json.Serialization;
using Diviora.Core.Query;

namespace Diviora.Core.Catalog;

/// <summary>
/// A chart kept with a dataset: an aggregate (<c>groupBy</c>, <c>measures</c>, <c>filter</c>, as the aggregate Api
/// takes them) and how to draw it. A dashboard draws it; the engine only keeps and checks it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ChartSettings
{
    /// <summary>The chart types.</summary>
    public static readonly IReadOnlyList<string> Types = ["bar", "line", "pie", "scatter"];

    /// <summary>The most measures a chart shows.</summary>
    public const int MaxMeasures = 5;

    /// <summary>The most columns a chart groups by.</summary>
    public const int MaxGroupBy = 2;

    /// <summary>1-100 characters, unique among the dataset's charts ignoring letter case.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>bar</c>, <c>line</c>, <c>pie</c> or <c>scatter</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>One or two columns, comma-separated: <c>country</c>, <c>country,year</c>.</summary>
    public string GroupBy { get; init; } = "";

    /// <summary>One to five measures: <c>sum(amount),count()</c>.</summary>
    public string Measures { get; init; } = "";

    /// <summary>A filter in the query language, or null for every row.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Filter { get; init; }

    /// <summary>Checks what can be checked without the dataset's columns; returns the problem, or null.</summary>
    public string? Validate()
    {
        if (Name is not { Length: >= 1 and <= 100 } || string.IsNullOrWhiteSpace(Name))
        {
            return "name must have 1 to 100 characters.";
        }

        if (!Types.Contains(Type, StringComparer.Ordinal))
        {
            return $"type '{Type}' is not one of {string.Join(", ", Types)}.";
        }

        if (string.IsNullOrWhiteSpace(GroupBy))
        {
            return $"groupBy must name 1 to {MaxGroupBy} columns.";
        }

        if (string.IsNullOrWhiteSpace(Measures))
        {
            return $"measures must list 1 to {MaxMeasures} measures, such as sum(amount),count().";
        }

        return Filter?.Length > QueryParser.MaxTextLength || GroupBy.Length > QueryParser.MaxTextLength || Measures.Length > QueryParser.MaxTextLength
            ? $"groupBy, measures and filter have at most {QueryParser.MaxTextLength} characters each."
            : null;
    }

    /// <summary>Parses the chart's aggregate against the dataset's columns, as the aggregate Api would; returns the problem, or null.</summary>
    public string? Validate(IReadOnlyList<DatasetColumn> columns)
    {
        try
        {
            var groups = QueryParser.ParseGroupBy(GroupBy, columns);
            var measures = QueryParser.ParseMeasures(Measures, columns);
            QueryParser.ParseFilter(Filter, columns);
            return groups.Count > MaxGroupBy ? $"groupBy names {groups.Count} columns; a chart groups by 1 to {MaxGroupBy}."
                : measures.Count > MaxMeasures ? $"measures lists {measures.Count} measures; a chart shows 1 to {MaxMeasures}."
                : null;
        }
        catch (QueryException e)
        {
            return e.Message;
        }
    }
}
