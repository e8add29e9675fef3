using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diviora.Web.Charts;

/// <summary>
/// Reads and changes parts of a dataset's settings as JSON, so whatever else they hold (rules, indexes, settings
/// this Web does not know yet) goes back to the Api unchanged.
/// </summary>
public static class DatasetSettingsJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The settings as an editable object.</summary>
    public static JsonObject Edit(JsonElement settings) =>
        settings.ValueKind == JsonValueKind.Object ? JsonNode.Parse(settings.GetRawText())!.AsObject() : [];

    /// <summary>The saved charts.</summary>
    public static IReadOnlyList<ChartSpec> Charts(JsonElement settings) =>
        settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("charts", out var charts) && charts.ValueKind == JsonValueKind.Array
            ? charts.Deserialize<ChartSpec[]>(Json) ?? []
            : [];

    /// <summary>Settings with a chart saved under its name, replacing one of the same name.</summary>
    public static JsonObject WithChart(JsonElement settings, ChartSpec chart)
    {
        var edited = Edit(settings);
        var list = Charts(settings).Where(c => !string.Equals(c.Name, chart.Name, StringComparison.OrdinalIgnoreCase)).Append(chart);
        edited["charts"] = JsonSerializer.SerializeToNode(list.ToArray(), Json);
        return edited;
    }

    /// <summary>Settings without the chart of that name.</summary>
    public static JsonObject WithoutChart(JsonElement settings, string name)
    {
        var edited = Edit(settings);
        edited["charts"] = JsonSerializer.SerializeToNode(Charts(settings).Where(c => !string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToArray(), Json);
        return edited;
    }
}
