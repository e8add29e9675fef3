namespace Diviora.Web.Charts;

/// <summary>
/// A chart of a dataset as the user chose it and as dataset settings keep it (<c>"charts"</c>): group rows by one or two
/// columns, compute measures, and draw them.
/// </summary>
public sealed record ChartSpec(string Name, string Type, string GroupBy, string Measures, string? Filter = null)
{
    public static readonly IReadOnlyList<string> Types = ["bar", "line", "pie", "scatter"];

    /// <summary>What is missing before the chart can be drawn, or null.</summary>
    public string? Incomplete() =>
        string.IsNullOrWhiteSpace(GroupBy) ? "Pick a column to group by."
        : string.IsNullOrWhiteSpace(Measures) ? "Pick at least one measure."
        : !Types.Contains(Type) ? $"Pick a chart type: {string.Join(", ", Types)}."
        : null;
}
