using System.Text.Json;
using System.Text.Json.Serialization;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Sources;

/// <summary>How a source's records become the dataset's columns: renames, and constant columns added to every row.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SourceMapping
{
    /// <summary>The longest column name a mapping may give.</summary>
    public const int MaxColumnName = 128;

    /// <summary>Renames: a record's field (<c>cust_id</c>) to the dataset's column (<c>id</c>). Unlisted fields keep their names.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Columns { get; init; }

    /// <summary>Columns set to the same value on every row (<c>"region": "EU"</c>): a string, number, boolean or null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? Constants { get; init; }

    /// <summary>Checks the mapping; a message naming the first bad entry (<c>mapping.columns['x']</c>), or null.</summary>
    public string? Validate()
    {
        var targets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (from, to) in Columns ?? new Dictionary<string, string>())
        {
            var field = $"mapping.columns['{from}']";
            if (string.IsNullOrWhiteSpace(from))
            {
                return "mapping.columns: a field name is empty.";
            }

            if (CheckTarget(to) is { } bad)
            {
                return $"{field}: {bad}";
            }

            if (!targets.TryAdd(to, field))
            {
                return $"{field}: {targets[to]} is also mapped to '{to}'.";
            }
        }

        foreach (var (column, value) in Constants ?? new Dictionary<string, JsonElement>())
        {
            var field = $"mapping.constants['{column}']";
            if (CheckTarget(column) is { } bad)
            {
                return $"{field}: {bad}";
            }

            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                return $"{field} must be a string, number, boolean or null.";
            }

            if (!targets.TryAdd(column, field))
            {
                return $"{field}: {targets[column]} also gives a column '{column}'.";
            }
        }

        return null;
    }

    private static string? CheckTarget(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "the column name is empty."
        : name.Length > MaxColumnName ? $"the column name '{name[..20]}...' is longer than {MaxColumnName} characters."
        : SystemColumns.IsReserved(name) ? $"the column name '{name}' starts with '_', which is reserved for Diviora's own columns ({SystemColumns.Names})."
        : null;
}
