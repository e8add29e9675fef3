using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diviora.Web.Sources;

/// <summary>
/// A column set to one value on every row. The value is typed apart from its text, so a code such as <c>08123</c>
/// stays text and <c>12.5</c> can be a number.
/// </summary>
public sealed class ConstantRow
{
    /// <summary>The JSON types a constant may have.</summary>
    public static readonly IReadOnlyList<string> Types = ["text", "number", "boolean", "null"];

    public string Column { get; set; } = "";

    /// <summary><c>text</c>, <c>number</c>, <c>boolean</c> or <c>null</c>.</summary>
    public string Type { get; set; } = "text";

    /// <summary>The value as typed; <c>true</c> or <c>false</c> for a boolean, unused for null.</summary>
    public string Value { get; set; } = "";

    public bool IsBlank => string.IsNullOrWhiteSpace(Column) && string.IsNullOrEmpty(Value) && Type == "text";

    /// <summary>The row for a constant the Api sent back.</summary>
    public static ConstantRow From(string column, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new() { Column = column, Type = "text", Value = value.GetString() ?? "" },
        JsonValueKind.Number => new() { Column = column, Type = "number", Value = value.GetRawText() },
        JsonValueKind.True or JsonValueKind.False => new() { Column = column, Type = "boolean", Value = value.GetRawText() },
        _ => new() { Column = column, Type = "null" },
    };

    /// <summary>What is wrong with the value for its type, naming the constant; null when it can be sent.</summary>
    public string? Problem() => Type switch
    {
        "number" when Number() is null =>
            $"mapping.constants['{Column}']: '{Value}' is not a number. Write it as JSON does, such as 12.5 or -3 (a point, no thousands separators).",
        "boolean" when Value is not ("true" or "false") => $"mapping.constants['{Column}']: choose true or false.",
        _ => null,
    };

    /// <summary>The value as JSON: a number exactly as typed, so 1.50 is not sent as 1.5.</summary>
    public JsonNode? ToJson() => Type switch
    {
        "number" => Number() ?? JsonValue.Create(Value),
        "boolean" => JsonValue.Create(Value == "true"),
        "null" => null,
        _ => JsonValue.Create(Value),
    };

    private JsonValue? Number()
    {
        try
        {
            return JsonNode.Parse(Value.Trim()) is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
