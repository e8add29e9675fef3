using System.Text.Json.Nodes;

namespace Diviora.Web.Sources;

/// <summary>Writing a definition's fields the way the Api reads them.</summary>
internal static class DefinitionJson
{
    /// <summary>Sets a text field, trimmed, leaving it out when empty: absent is how the Api reads "not given".</summary>
    public static void AddText(JsonObject block, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            block[name] = value.Trim();
        }
    }

    /// <summary>The rows filled in as one JSON object of name → value (headers, renames); null when none is.</summary>
    public static JsonObject? Pairs(IEnumerable<NameValueRow> rows)
    {
        JsonObject? pairs = null;
        foreach (var row in rows.Where(r => !r.IsBlank))
        {
            pairs ??= [];
            pairs[row.Name.Trim()] = row.Value.Trim();
        }

        return pairs;
    }
}
