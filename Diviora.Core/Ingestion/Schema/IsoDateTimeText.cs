namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Diviora's one reader of ISO 8601 dates, timestamps and offset timestamps:
/// <c>yyyy-MM-dd</c>, then <c>T</c> (or a space) and <c>HH:mm[:ss[.f{1,7}]]</c>, then <c>Z</c>, <c>±hh:mm</c>,
/// <c>±hhmm</c> (or <c>±hh</c>); which of these a caller takes is an <see cref="IsoForms"/>. Ingestion calls it for
/// every value of a date column, so it checks characters by position, never allocates and never throws.
/// </summary>
internal static class IsoDateTimeText
{
    /// <summary>The longest canonical text without offset, <c>yyyy-MM-ddTHH:mm:ss.fffffff</c>.</summary>
    public const int MaxTimestampLength = 27;

    /// <summary>
    /// The longest canonical text, <c>yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm</c>; a destination of this size always
    /// suffices for <see cref="TryWriteCanonical"/>.
    /// </summary>
    public const int MaxCanonicalLength = 33;

    // Seven digits is the tick resolution of DateTime: more could not be kept on write-back.
    private const int MaxFractionDigits = 7;

    // DateTimeOffset refuses offsets beyond ±14:00, so such text could not be materialized.
    private const int MaxOffsetMinutes = 14 * 60;

    private const int MinutesPerDay = 24 * 60;

    /// <summary>
    /// Reads the whole of <paramref name="value"/> as one of <paramref name="forms"/>. Nothing is trimmed, and
    /// letters are upper case only (<c>T</c>, <c>Z</c>).
    /// </summary>
    /// <param name="value">One value's text.</param>
    /// <param name="forms">The forms the caller takes.</param>
    /// <param name="parsed">The checked parts; default when the value is refused.</param>
    /// <returns>False when the value is none of <paramref name="forms"/> or is no real date and time.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, IsoForms forms, out IsoDateTime parsed)
    {
        parsed = default;

        // yyyy-MM-dd occupies exactly 10 characters, so checking the length once makes the fixed indexes safe.
        if (value.Length < 10
            || !CalendarText.TryRead4(value, 0, out parsed.Year)
            || value[4] != '-'
            || !CalendarText.TryRead2(value, 5, out parsed.Month)
            || value[7] != '-'
            || !CalendarText.TryRead2(value, 8, out parsed.Day)
            || !CalendarText.IsValidDate(parsed.Year, parsed.Month, parsed.Day))
        {
            return false;
        }

        int length = value.Length;
        if (length == 10)
        {
            return (forms & IsoForms.Date) != 0;
        }

        // yyyy-MM-ddTHH:mm is the shortest form with a time.
        if ((forms & (IsoForms.Timestamp | IsoForms.TimestampTz)) == 0
            || length < 16
            || (value[10] != 'T' && (value[10] != ' ' || (forms & IsoForms.SpaceSeparator) == 0))
            || !CalendarText.TryRead2(value, 11, out parsed.Hour)
            || value[13] != ':'
            || !CalendarText.TryRead2(value, 14, out parsed.Minute)
            || parsed.Hour > 23
            || parsed.Minute > 59)
        {
            return false;
        }

        parsed.HasTime = true;
        int i = 16;
        if (i < length && value[i] == ':')
        {
            if (!CalendarText.TryRead2(value, i + 1, out parsed.Second) || parsed.Second > 59)
            {
                return false;
            }

            i += 3;

            // A fraction only after seconds: "HH:mm.5" would be a fraction of a minute, which nobody means.
            if (i < length && value[i] == '.' && !TryReadFraction(value, ref i, out parsed.FractionTicks))
            {
                return false;
            }
        }
        else if ((forms & IsoForms.OptionalSeconds) == 0)
        {
            return false;
        }

        if (i == length)
        {
            return (forms & IsoForms.Timestamp) != 0;
        }

        return (forms & IsoForms.TimestampTz) != 0 && TryReadOffset(value, i, forms, ref parsed) && IsInstantInRange(in parsed);
    }

    /// <summary>
    /// Writes <c>yyyy-MM-ddTHH:mm:ss[.fraction][±hh:mm]</c>: <c>T</c> between date and time, seconds always, the
    /// fraction trimmed of trailing zeros and dropped when zero, the offset as written (<c>Z</c> becomes
    /// <c>+00:00</c>) when there was one. A date alone becomes its midnight.
    /// </summary>
    /// <param name="parsed">What <see cref="TryParse"/> read.</param>
    /// <param name="destination">Where to write; <see cref="MaxCanonicalLength"/> characters always suffice.</param>
    /// <param name="written">How many characters were written; 0 when <paramref name="destination"/> is too short.</param>
    /// <returns>False when <paramref name="destination"/> is too short.</returns>
    public static bool TryWriteCanonical(in IsoDateTime parsed, Span<char> destination, out int written)
    {
        written = 0;

        // Trailing zeros of the fraction carry no information; trimming them makes equal instants equal text.
        int fraction = parsed.FractionTicks;
        int fractionDigits = fraction == 0 ? 0 : MaxFractionDigits;
        while (fraction != 0 && fraction % 10 == 0)
        {
            fraction /= 10;
            fractionDigits--;
        }

        int length = 19 + (fractionDigits == 0 ? 0 : 1 + fractionDigits) + (parsed.HasOffset ? 6 : 0);
        if (destination.Length < length)
        {
            return false;
        }

        CalendarText.WriteDate(destination, parsed.Year, parsed.Month, parsed.Day);
        CalendarText.WriteTime(destination, 10, parsed.Hour, parsed.Minute, parsed.Second);
        int i = 19;
        if (fractionDigits != 0)
        {
            destination[i] = '.';
            for (int d = i + fractionDigits; d > i; d--)
            {
                destination[d] = (char)('0' + (fraction % 10));
                fraction /= 10;
            }

            i += 1 + fractionDigits;
        }

        if (parsed.HasOffset)
        {
            destination[i] = parsed.OffsetNegative ? '-' : '+';
            CalendarText.Write2(destination, i + 1, parsed.OffsetHours);
            destination[i + 3] = ':';
            CalendarText.Write2(destination, i + 4, parsed.OffsetMinutes);
        }

        written = length;
        return true;
    }

    /// <summary>Reads <paramref name="value"/> as one of <paramref name="forms"/> and writes its canonical text.</summary>
    /// <returns>False when the value is refused or <paramref name="destination"/> is too short; nothing is then written.</returns>
    public static bool TryCanonical(ReadOnlySpan<char> value, IsoForms forms, Span<char> destination, out int written)
    {
        written = 0;
        return TryParse(value, forms, out var parsed) && TryWriteCanonical(in parsed, destination, out written);
    }

    // i is at the point; on success it is just past the last digit.
    private static bool TryReadFraction(ReadOnlySpan<char> value, ref int i, out int ticks)
    {
        ticks = 0;
        int start = ++i;
        while (i < value.Length && CalendarText.IsDigit(value[i]))
        {
            ticks = (ticks * 10) + (value[i] - '0');
            i++;
            if (i - start > MaxFractionDigits)
            {
                return false;
            }
        }

        int digits = i - start;
        for (int d = digits; d < MaxFractionDigits; d++)
        {
            ticks *= 10;
        }

        return digits > 0;
    }

    private static bool TryReadOffset(ReadOnlySpan<char> value, int i, IsoForms forms, ref IsoDateTime parsed)
    {
        int length = value.Length;
        char sign = value[i];
        if (sign == 'Z')
        {
            parsed.HasOffset = true;
            return i + 1 == length;
        }

        if ((sign != '+' && sign != '-') || !CalendarText.TryRead2(value, i + 1, out parsed.OffsetHours))
        {
            return false;
        }

        parsed.HasOffset = true;
        parsed.OffsetNegative = sign == '-';
        i += 3;
        if (i == length)
        {
            if ((forms & IsoForms.OffsetWithoutMinutes) == 0)
            {
                return false;
            }
        }
        else
        {
            // "+hh:mm" or "+hhmm"; anything else after the hours is refused by the length check below.
            if (value[i] == ':')
            {
                i++;
            }

            if (!CalendarText.TryRead2(value, i, out parsed.OffsetMinutes))
            {
                return false;
            }

            i += 2;
        }

        return i == length && parsed.OffsetMinutes <= 59 && (parsed.OffsetHours * 60) + parsed.OffsetMinutes <= MaxOffsetMinutes;
    }

    // Only the first and last day of the calendar can put the UTC instant outside DateTimeOffset's range
    // (an offset is at most 14 hours), so the check needs no date arithmetic.
    private static bool IsInstantInRange(in IsoDateTime parsed)
    {
        int utcMinutes = (parsed.Hour * 60) + parsed.Minute - parsed.OffsetTotalMinutes;
        if (parsed.Year == 1 && parsed.Month == 1 && parsed.Day == 1)
        {
            return utcMinutes >= 0;
        }

        if (parsed.Year == 9999 && parsed.Month == 12 && parsed.Day == 31)
        {
            return utcMinutes < MinutesPerDay;
        }

        return true;
    }
}
