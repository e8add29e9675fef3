using System.Globalization;
using System.Text.Json;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// The order of incremental cursor values: when both are numbers (a JSON number, or a last-run cursor that reads as
/// one) they compare numerically, so 9 comes before 10; anything else compares as text, ordinal, which is the time
/// order for ISO-8601 UTC timestamps written alike (<c>2026-05-04T10:15:00Z</c>). Timestamps with other offsets or
/// mixed precision do not sort by time this way; sources should cursor on UTC.
/// </summary>
internal readonly record struct CursorValue(string Text, decimal? Number)
{
    /// <summary>The cursor of the last run; a text that reads as a number counts as one.</summary>
    public static CursorValue FromText(string text) =>
        new(text, decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null);

    /// <summary>The value of a record's cursor field; null for null, booleans, objects and arrays, which do not order.</summary>
    public static CursorValue? FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is { Length: > 0 } text => new CursorValue(text, null),
        JsonValueKind.Number => new CursorValue(value.GetRawText(), value.TryGetDecimal(out var number) ? number : null),
        _ => null,
    };

    /// <summary>Negative when <paramref name="a"/> comes first, by the rule above.</summary>
    public static int Compare(CursorValue a, CursorValue b) =>
        a.Number is { } x && b.Number is { } y ? x.CompareTo(y) : string.CompareOrdinal(a.Text, b.Text);
}
