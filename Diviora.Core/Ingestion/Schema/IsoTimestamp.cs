namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// A hand-written reader of the ISO 8601 forms Diviora types: <c>yyyy-MM-dd</c> and
/// <c>yyyy-MM-dd[T| ]HH:mm[:ss[.fffffff]]</c>. It runs for every value of a date column, so it checks digits by
/// position instead of going through format strings.
/// </summary>
internal static class IsoTimestamp
{
    /// <summary>The longest canonical form: <c>yyyy-MM-ddTHH:mm:ss.fffffff</c>.</summary>
    public const int MaxLength = 27;

    /// <summary>True for a valid calendar date <c>yyyy-MM-dd</c>.</summary>
    public static bool IsDate(ReadOnlySpan<char> value) => value.Length == 10 && TryParseDate(value);

    /// <summary>True for a valid date with a time of day.</summary>
    public static bool IsTimestamp(ReadOnlySpan<char> value) => value.Length > 10 && TryParse(value, out _, out _);

    /// <summary>
    /// Writes the canonical form of a date or timestamp: <c>T</c> between date and time, seconds always, and a
    /// fraction only as long as it has non-zero digits. A date alone becomes midnight.
    /// </summary>
    public static bool TryCanonicalize(ReadOnlySpan<char> value, Span<char> destination, out int length)
    {
        length = 0;
        if (value.Length == 10)
        {
            if (!TryParseDate(value))
            {
                return false;
            }

            value.CopyTo(destination);
            "T00:00:00".CopyTo(destination[10..]);
            length = 19;
            return true;
        }

        if (!TryParse(value, out var hasSeconds, out var fraction))
        {
            return false;
        }

        value[..16].CopyTo(destination);
        destination[10] = 'T';
        destination[16] = ':';
        if (hasSeconds)
        {
            value.Slice(17, 2).CopyTo(destination[17..]);
        }
        else
        {
            "00".CopyTo(destination[17..]);
        }

        length = 19;
        fraction = fraction.TrimEnd('0');
        if (!fraction.IsEmpty)
        {
            destination[19] = '.';
            fraction.CopyTo(destination[20..]);
            length = 20 + fraction.Length;
        }

        return true;
    }

    private static bool TryParse(ReadOnlySpan<char> value, out bool hasSeconds, out ReadOnlySpan<char> fraction)
    {
        hasSeconds = false;
        fraction = default;
        // yyyy-MM-ddTHH:mm is the shortest form with a time.
        if (value.Length < 16 || value.Length > MaxLength || value[10] is not ('T' or ' ') || value[13] != ':' || !TryParseDate(value[..10]))
        {
            return false;
        }

        if (!TwoDigits(value, 11, 23) || !TwoDigits(value, 14, 59))
        {
            return false;
        }

        if (value.Length == 16)
        {
            return true;
        }

        if (value.Length < 19 || value[16] != ':' || !TwoDigits(value, 17, 59))
        {
            return false;
        }

        hasSeconds = true;
        if (value.Length == 19)
        {
            return true;
        }

        fraction = value[20..];
        return value[19] == '.' && fraction.Length is >= 1 and <= 7 && !fraction.ContainsAnyExceptInRange('0', '9');
    }

    private static bool TryParseDate(ReadOnlySpan<char> value)
    {
        if (value[4] != '-' || value[7] != '-' || value[..4].ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var year = ((value[0] - '0') * 1000) + ((value[1] - '0') * 100) + ((value[2] - '0') * 10) + (value[3] - '0');
        if (year == 0 || !TwoDigits(value, 5, 12) || !TwoDigits(value, 8, 31))
        {
            return false;
        }

        var month = ((value[5] - '0') * 10) + (value[6] - '0');
        var day = ((value[8] - '0') * 10) + (value[9] - '0');
        return month >= 1 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static bool TwoDigits(ReadOnlySpan<char> value, int at, int max) =>
        char.IsAsciiDigit(value[at]) && char.IsAsciiDigit(value[at + 1]) && (((value[at] - '0') * 10) + (value[at + 1] - '0')) <= max;
}
