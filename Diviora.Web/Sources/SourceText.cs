using System.Text.Json.Nodes;
using Diviora.Web.Api;

namespace Diviora.Web.Sources;

/// <summary>How sources read on screen.</summary>
public static class SourceText
{
    /// <summary>REST API, Database, Drop zone.</summary>
    public static string Kind(string kind) => kind switch
    {
        SourceKinds.Rest => "REST API",
        SourceKinds.Database => "Database",
        SourceKinds.Dropzone => "Drop zone",
        _ => kind,
    };

    /// <summary>When the source runs: its cron and zone, "manual", or "on arrival" for a drop zone.</summary>
    public static string Schedule(SourceSummary source) =>
        source.Kind == SourceKinds.Dropzone ? "on arrival"
        : string.IsNullOrWhiteSpace(source.Schedule) ? "manual"
        : $"{source.Schedule} ({source.TimeZone})";

    /// <summary>The columns of a preview's records: every key, in the order first seen.</summary>
    public static IReadOnlyList<string> Columns(IReadOnlyList<JsonObject> records)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = new List<string>();
        foreach (var record in records)
        {
            foreach (var (key, _) in record)
            {
                if (seen.Add(key))
                {
                    columns.Add(key);
                }
            }
        }

        return columns;
    }

    /// <summary>A record's value as people read it: text unquoted, anything else as JSON, nothing for null or missing.</summary>
    public static string Cell(JsonObject record, string column) => record[column] switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
        var node => node.ToJsonString(),
    };
}
