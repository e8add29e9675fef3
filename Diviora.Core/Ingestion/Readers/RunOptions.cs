using System.Text.Json;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>Stores <see cref="FormatOptions"/> on a run as JSON, and reads them back.</summary>
public static class RunOptions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The JSON to store, or null when no option was given.</summary>
    public static string? Serialize(FormatOptions options) => options.IsEmpty ? null : JsonSerializer.Serialize(options, Json);

    /// <summary>The options stored on a run; none when null.</summary>
    public static FormatOptions Parse(string? json) =>
        json is null ? new FormatOptions() : JsonSerializer.Deserialize<FormatOptions>(json, Json) ?? new FormatOptions();
}
