using System.Text.Json;

namespace Diviora.Web.Explore;

/// <summary>A value as the Api sent it, as people read it: text unquoted, numbers, booleans and dates as written.</summary>
public static class CellText
{
    /// <summary>The value's text; <paramref name="empty"/> for null or a missing value.</summary>
    public static string Of(JsonElement? value, string empty = "") => value is not { } v ? empty : v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => empty,
        JsonValueKind.String => v.GetString() ?? "",
        _ => v.GetRawText(),
    };
}
