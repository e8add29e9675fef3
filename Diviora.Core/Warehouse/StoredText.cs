using System.Globalization;

namespace Diviora.Core.Warehouse;

/// <summary>
/// The canonical text of typed date and time values, as the engine writes them to SQLite and as every warehouse
/// answers them: <c>T</c> between date and time, seconds always, a fraction only as long as it has non-zero digits.
/// </summary>
public static class StoredText
{
    /// <summary><c>yyyy-MM-dd</c>.</summary>
    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary><c>yyyy-MM-ddTHH:mm:ss[.fffffff]</c>, the fraction trimmed.</summary>
    public static string Timestamp(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary><c>yyyy-MM-ddTHH:mm:ss[.fffffff]±hh:mm</c>, the fraction trimmed.</summary>
    public static string TimestampTz(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>A row's load time (<c>_ingested_at</c>) as bound to a statement: UTC, seven fraction digits and <c>Z</c>.</summary>
    public static string LoadTime(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
