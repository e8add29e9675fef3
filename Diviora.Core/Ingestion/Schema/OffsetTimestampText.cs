namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Recognizes ISO 8601 timestamps that carry a UTC offset:
/// <c>yyyy-MM-ddTHH:mm[:ss[.f{1,7}]]</c> (a space may replace the <c>T</c>) followed by <c>Z</c>,
/// <c>±hh:mm</c>, <c>±hhmm</c> or <c>±hh</c>. Runs per value on the hot path, so it checks characters by
/// position and never allocates.
/// </summary>
public static class OffsetTimestampText
{
    /// <summary>
    /// The length of the longest canonical form, <c>yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm</c>; a destination of
    /// this size always suffices for <see cref="TryCanonical"/>.
    /// </summary>
    public const int MaxCanonicalLength = 33;

    // Seven digits is the tick resolution of DateTimeOffset: more could not be kept on write-back.
    private const int MaxFractionDigits = 7;

    // DateTimeOffset refuses offsets beyond ±14:00, so such text could not be materialized.
    private const int MaxOffsetMinutes = 14 * 60;

    private const int MinutesPerDay = 24 * 60;

    /// <summary>
    /// True when <paramref name="value"/> has the accepted shape, is a real calendar date (leap years
    /// included) in years 1 to 9999, has hour 0-23, minute and second 0-59, an offset of at most 14:00 with
    /// offset minutes 0-59, and its instant stays within the range <see cref="DateTimeOffset"/> can hold.
    /// </summary>
    /// <param name="value">One cell's text, untrimmed.</param>
    /// <returns>Whether the column may be typed as a timestamp with offset because of this value.</returns>
    public static bool IsTimestampWithOffset(ReadOnlySpan<char> value) => TryParse(value, out _);

    /// <summary>
    /// Writes <c>yyyy-MM-ddTHH:mm:ss[.fraction]±hh:mm</c>: the offset kept as written (<c>Z</c> becomes
    /// <c>+00:00</c>), seconds always present, the fraction trimmed of trailing zeros and dropped when zero.
    /// </summary>
    /// <param name="value">One cell's text.</param>
    /// <param name="destination">Where to write; <see cref="MaxCanonicalLength"/> characters always suffice.</param>
    /// <param name="written">How many characters were written; 0 on failure.</param>
    /// <returns>False when the value is not accepted or <paramref name="destination"/> is too short.</returns>
    public static bool TryCanonical(ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        written = 0;
        if (!TryParse(value, out Parts parts))
        {
            return false;
        }

        // Trailing zeros of the fraction carry no information; trimming them makes equal instants equal text.
        ReadOnlySpan<char> fraction = value.Slice(parts.FractionStart, parts.FractionLength).TrimEnd('0');
        int length = 19 + (fraction.IsEmpty ? 0 : 1 + fraction.Length) + 6;
        if (destination.Length < length)
        {
            return false;
        }

        CalendarText.WriteDate(destination, parts.Year, parts.Month, parts.Day);
        CalendarText.WriteTime(destination, 10, parts.Hour, parts.Minute, parts.Second);
        int i = 19;
        if (!fraction.IsEmpty)
        {
            destination[i++] = '.';
            fraction.CopyTo(destination[i..]);
            i += fraction.Length;
        }

        destination[i] = parts.OffsetNegative ? '-' : '+';
        CalendarText.Write2(destination, i + 1, parts.OffsetHours);
        destination[i + 3] = ':';
        CalendarText.Write2(destination, i + 4, parts.OffsetMinutes);
        written = length;
        return true;
    }

    private static bool TryParse(ReadOnlySpan<char> value, out Parts parts)
    {
        parts = default;

        // Fixed positions: yyyy-MM-ddTHH:mm occupies exactly 16 characters and an offset at least one more,
        // so checking the length once makes every fixed index below safe.
        if (value.Length < 17
            || !CalendarText.TryRead4(value, 0, out parts.Year)
            || value[4] != '-'
            || !CalendarText.TryRead2(value, 5, out parts.Month)
            || value[7] != '-'
            || !CalendarText.TryRead2(value, 8, out parts.Day)
            || (value[10] != 'T' && value[10] != ' ')
            || !CalendarText.TryRead2(value, 11, out parts.Hour)
            || value[13] != ':'
            || !CalendarText.TryRead2(value, 14, out parts.Minute))
        {
            return false;
        }

        int length = value.Length;
        int i = 16;
        if (i < length && value[i] == ':')
        {
            if (!CalendarText.TryRead2(value, i + 1, out parts.Second))
            {
                return false;
            }

            i += 3;

            // A fraction only after seconds: "HH:mm.5" would be a fraction of a minute, which nobody means.
            if (i < length && value[i] == '.')
            {
                i++;
                parts.FractionStart = i;
                while (i < length && CalendarText.IsDigit(value[i]))
                {
                    i++;
                }

                parts.FractionLength = i - parts.FractionStart;
                if (parts.FractionLength is 0 or > MaxFractionDigits)
                {
                    return false;
                }
            }
        }

        if (!TryParseOffset(value, i, ref parts))
        {
            return false;
        }

        return CalendarText.IsValidDate(parts.Year, parts.Month, parts.Day)
            && parts.Hour <= 23
            && parts.Minute <= 59
            && parts.Second <= 59
            && IsInstantInRange(in parts);
    }

    private static bool TryParseOffset(ReadOnlySpan<char> value, int i, ref Parts parts)
    {
        int length = value.Length;
        if (i >= length)
        {
            // No offset: a local timestamp, which is another recognizer's business.
            return false;
        }

        char sign = value[i];
        if (sign == 'Z')
        {
            return i + 1 == length;
        }

        if (sign != '+' && sign != '-')
        {
            return false;
        }

        parts.OffsetNegative = sign == '-';
        if (!CalendarText.TryRead2(value, i + 1, out parts.OffsetHours))
        {
            return false;
        }

        i += 3;
        if (i < length)
        {
            // "+hh:mm" or "+hhmm"; anything else after the hours is refused below by the length check.
            if (value[i] == ':')
            {
                i++;
            }

            if (!CalendarText.TryRead2(value, i, out parts.OffsetMinutes))
            {
                return false;
            }

            i += 2;
        }

        int offsetMinutes = (parts.OffsetHours * 60) + parts.OffsetMinutes;
        return i == length && parts.OffsetMinutes <= 59 && offsetMinutes <= MaxOffsetMinutes;
    }

    // Only the first and last day of the calendar can put the UTC instant outside DateTimeOffset's range
    // (an offset is at most 14 hours), so the check needs no date arithmetic.
    private static bool IsInstantInRange(in Parts parts)
    {
        int localMinutes = (parts.Hour * 60) + parts.Minute;
        int offsetMinutes = (parts.OffsetHours * 60) + parts.OffsetMinutes;
        int utcMinutes = parts.OffsetNegative ? localMinutes + offsetMinutes : localMinutes - offsetMinutes;
        if (parts.Year == 1 && parts.Month == 1 && parts.Day == 1)
        {
            return utcMinutes >= 0;
        }

        if (parts.Year == 9999 && parts.Month == 12 && parts.Day == 31)
        {
            return utcMinutes < MinutesPerDay;
        }

        return true;
    }

    // Mutable fields so the parser can fill them through 'out' arguments; the struct never leaves this class.
    private struct Parts
    {
        public int Year;
        public int Month;
        public int Day;
        public int Hour;
        public int Minute;
        public int Second;
        public int FractionStart;
        public int FractionLength;
        public bool OffsetNegative;
        public int OffsetHours;
        public int OffsetMinutes;
    }
}
