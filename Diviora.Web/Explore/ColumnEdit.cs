using System.Globalization;
using System.Text.Json.Nodes;
using Diviora.Web.Api;

namespace Diviora.Web.Explore;

/// <summary>
/// One column's settings as the schema form edits them: text fields that become the column's entry in the dataset's
/// <c>"columns"</c> settings. Fields left empty are left out, so the Api's defaults apply.
/// </summary>
public sealed class ColumnEdit
{
    public static readonly IReadOnlyList<string> Types = ["text", "integer", "decimal", "double", "boolean", "date", "timestamp", "timestamptz", "time"];

    public required string Name { get; init; }

    /// <summary>
    /// The type the dataset has for the column. Range rules and defaults are checked against a declared type, so a
    /// minimum set on a detected decimal column declares it as decimal.
    /// </summary>
    public string? DetectedType { get; set; }

    /// <summary>The type to force; empty keeps the detected one.</summary>
    public string Type { get; set; } = "";

    public bool Required { get; set; }

    public string Min { get; set; } = "";

    public string Max { get; set; } = "";

    public string Pattern { get; set; } = "";

    /// <summary>Allowed values, comma-separated.</summary>
    public string Allowed { get; set; } = "";

    /// <summary>The allowed values as stored, sent back as they were while <see cref="Allowed"/> is not edited.</summary>
    private JsonArray? _storedAllowed;
    private string _storedAllowedText = "";

    public string MaxLength { get; set; } = "";

    public string Rename { get; set; } = "";

    public bool Trim { get; set; }

    /// <summary>upper, lower or empty.</summary>
    public string Case { get; set; } = "";

    public string Default { get; set; } = "";

    /// <summary>The date or time format to read, such as dd.MM.yyyy.</summary>
    public string Format { get; set; } = "";

    /// <summary>The column's settings as stored, or an empty edit.</summary>
    public static ColumnEdit From(string name, JsonObject? column)
    {
        var edit = Read(name, column);
        if (column?["allowed"] is JsonArray allowed)
        {
            edit._storedAllowed = (JsonArray)allowed.DeepClone();
            edit._storedAllowedText = edit.Allowed;
        }

        return edit;
    }

    private static ColumnEdit Read(string name, JsonObject? column) => column is null ? new ColumnEdit { Name = name } : new ColumnEdit
    {
        Name = name,
        Type = Text(column["type"]),
        Required = column["required"]?.GetValue<bool>() ?? false,
        Min = Text(column["min"]),
        Max = Text(column["max"]),
        Pattern = Text(column["pattern"]),
        Allowed = column["allowed"] is JsonArray allowed ? string.Join(", ", allowed.Select(Text)) : "",
        MaxLength = Text(column["maxLength"]),
        Rename = Text(column["rename"]),
        Trim = column["trim"]?.GetValue<bool>() ?? false,
        Case = Text(column["case"]),
        Default = Text(column["default"]),
        Format = Text(column["format"]),
    };

    /// <summary>True when nothing is set: the column needs no entry.</summary>
    public bool IsEmpty => ToJson().Count == 1;

    /// <summary>The column's entry for the settings; a problem with a field is left for the Api to name.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name };
        Set(json, "type", Type.Length == 0 && (Min.Trim().Length > 0 || Max.Trim().Length > 0 || Default.Trim().Length > 0) ? DetectedType ?? "" : Type);
        if (Required)
        {
            json["required"] = true;
        }

        json["min"] = Value(Min);
        json["max"] = Value(Max);
        if (Pattern.Trim().Length > 0)
        {
            // A pattern is kept exactly: a space at either end is part of the expression.
            json["pattern"] = Pattern;
        }

        // The Api refuses an empty list, so a field of only commas means no list.
        var allowed = Allowed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (_storedAllowed is not null && Allowed == _storedAllowedText)
        {
            // Values that hold commas ("Smith, John") survive a save that did not touch them.
            json["allowed"] = _storedAllowed.DeepClone();
        }
        else if (allowed.Length > 0)
        {
            json["allowed"] = new JsonArray([.. allowed.Select(a => (JsonNode?)JsonValue.Create(a))]);
        }

        json["maxLength"] = Value(MaxLength, asWritten: false);
        Set(json, "rename", Rename);
        if (Trim)
        {
            json["trim"] = true;
        }

        Set(json, "case", Case);
        json["default"] = Default.Length == 0 ? null : Value(Default) is { } number && number.GetValueKind() == System.Text.Json.JsonValueKind.Number ? number : JsonValue.Create(Default);
        Set(json, "format", Format);
        foreach (var empty in json.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            json.Remove(empty);
        }

        return json;
    }

    /// <summary>The rules and transforms in a few words, for the schema table.</summary>
    public string Summary()
    {
        var parts = new List<string>();
        if (Required) parts.Add("required");
        if (Min.Length > 0) parts.Add($"≥ {Min}");
        if (Max.Length > 0) parts.Add($"≤ {Max}");
        if (Pattern.Length > 0) parts.Add($"matches {Pattern}");
        if (Allowed.Length > 0) parts.Add($"one of {Allowed}");
        if (MaxLength.Length > 0) parts.Add($"at most {MaxLength} chars");
        if (Rename.Length > 0) parts.Add($"renamed to {Rename}");
        if (Trim) parts.Add("trimmed");
        if (Case.Length > 0) parts.Add(Case + " case");
        if (Default.Length > 0) parts.Add($"default {Default}");
        if (Format.Length > 0) parts.Add($"format {Format}");
        if (Type.Length > 0) parts.Add($"read as {Type}");
        return string.Join(", ", parts);
    }

    private static void Set(JsonObject json, string name, string value)
    {
        if (value.Trim().Length > 0)
        {
            json[name] = value.Trim();
        }
    }

    /// <summary>
    /// A number when the text is written as one, else the text (dates, times, "08123"): the Api checks it against the
    /// column's type and reads numeric text as a number, but a number for a text column would lose its leading zeros.
    /// A count (<paramref name="asWritten"/> false) is a number whenever the text reads as one.
    /// </summary>
    private static JsonValue? Value(string text, bool asWritten = true)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        return decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) &&
            (!asWritten || number.ToString(CultureInfo.InvariantCulture) == trimmed)
            ? JsonValue.Create(number)
            : JsonValue.Create(trimmed);
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };
}
