namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Position-based digit and calendar helpers shared by the text recognizers. They work on spans
/// and plain integers so that the per-value hot path never allocates or throws.
/// </summary>
internal static class CalendarText
{
    /// <summary>ASCII digits only: <see cref="char.IsDigit(char)"/> would also accept other scripts' digits.</summary>
    public static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    /// <summary>Reads exactly two ASCII digits at <paramref name="index"/>; false when out of range or not digits.</summary>
    public static bool TryRead2(ReadOnlySpan<char> value, int index, out int number)
    {
        number = 0;
        if ((uint)(index + 1) >= (uint)value.Length)
        {
            return false;
        }

        char a = value[index];
        char b = value[index + 1];
        if (!IsDigit(a) || !IsDigit(b))
        {
            return false;
        }

        number = ((a - '0') * 10) + (b - '0');
        return true;
    }

    /// <summary>Reads exactly four ASCII digits at <paramref name="index"/>; false when out of range or not digits.</summary>
    public static bool TryRead4(ReadOnlySpan<char> value, int index, out int number)
    {
        number = 0;
        if (!TryRead2(value, index, out int high) || !TryRead2(value, index + 2, out int low))
        {
            return false;
        }

        number = (high * 100) + low;
        return true;
    }

    /// <summary>
    /// Reads one or two ASCII digits at <paramref name="index"/> and returns how many were read (0 when none).
    /// A third digit is left for the caller, whose next expected character (a separator) then refuses it.
    /// </summary>
    public static int Read1Or2(ReadOnlySpan<char> value, int index, out int number)
    {
        number = 0;
        if (index >= value.Length || !IsDigit(value[index]))
        {
            return 0;
        }

        number = value[index] - '0';
        if (index + 1 < value.Length && IsDigit(value[index + 1]))
        {
            number = (number * 10) + (value[index + 1] - '0');
            return 2;
        }

        return 1;
    }

    /// <summary>Gregorian leap-year rule, without <see cref="DateTime.IsLeapYear(int)"/>'s range exception.</summary>
    public static bool IsLeapYear(int year) => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    /// <summary>
    /// True for a real calendar date in years 1 to 9999: the range <see cref="DateTime"/> can hold, so
    /// every accepted value can later be materialized without an exception.
    /// </summary>
    public static bool IsValidDate(int year, int month, int day)
    {
        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        {
            return false;
        }

        int daysInMonth = month switch
        {
            2 => IsLeapYear(year) ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
        return day <= daysInMonth;
    }

    /// <summary>Writes <paramref name="number"/> (0-99) as two digits; the caller has checked the room.</summary>
    public static void Write2(Span<char> destination, int index, int number)
    {
        destination[index] = (char)('0' + (number / 10));
        destination[index + 1] = (char)('0' + (number % 10));
    }

    /// <summary>Writes <paramref name="number"/> (0-9999) as four digits; the caller has checked the room.</summary>
    public static void Write4(Span<char> destination, int index, int number)
    {
        Write2(destination, index, number / 100);
        Write2(destination, index + 2, number % 100);
    }

    /// <summary>Writes <c>yyyy-MM-dd</c> at the start of <paramref name="destination"/> (10 characters).</summary>
    public static void WriteDate(Span<char> destination, int year, int month, int day)
    {
        Write4(destination, 0, year);
        destination[4] = '-';
        Write2(destination, 5, month);
        destination[7] = '-';
        Write2(destination, 8, day);
    }

    /// <summary>Writes <c>THH:mm:ss</c> at <paramref name="index"/> (9 characters).</summary>
    public static void WriteTime(Span<char> destination, int index, int hour, int minute, int second)
    {
        destination[index] = 'T';
        Write2(destination, index + 1, hour);
        destination[index + 3] = ':';
        Write2(destination, index + 4, minute);
        destination[index + 6] = ':';
        Write2(destination, index + 7, second);
    }
}
