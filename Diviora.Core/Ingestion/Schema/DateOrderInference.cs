namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Infers, per column, whether dates such as <c>03/04/2024</c> are day-first or month-first by seeing every
/// value: a single value can be ambiguous, a column usually is not. Recognized shapes are one or two digits,
/// a separator (<c>/</c>, <c>.</c> or <c>-</c>, the same one twice), one or two digits, a separator and a
/// four-digit year, optionally followed by a space and <c>H:mm</c>, <c>HH:mm</c>, <c>H:mm:ss</c> or
/// <c>HH:mm:ss</c>. ISO <c>yyyy-MM-dd</c> is not this class's business: a value starting with four digits is
/// refused. <see cref="Observe"/> runs per value on the hot path, so it checks characters by position and
/// never allocates.
/// </summary>
public sealed class DateOrderInference
{
    /// <summary>
    /// The length of the longest canonical form, <c>yyyy-MM-ddTHH:mm:ss</c>; a destination of this size always
    /// suffices for <see cref="TryCanonical"/>.
    /// </summary>
    public const int MaxCanonicalLength = 19;

    private const int DateOnlyLength = 10;

    private bool _sawValue;
    private bool _sawNeither;
    private bool _sawDayFirstOnly;
    private bool _sawMonthFirstOnly;

    /// <summary>
    /// True when any observed value of the recognized shape had a time part; a column mixing dates with and
    /// without time is then a timestamp column (a missing time meaning midnight).
    /// </summary>
    public bool HasTime { get; private set; }

    /// <summary>The order every observed value supports; see <see cref="DateOrder"/>.</summary>
    public DateOrder Result
    {
        get
        {
            // Values that fit only day-first and values that fit only month-first cannot come from one
            // consistent writer, so the column is not trusted as dates at all.
            if (!_sawValue || _sawNeither || (_sawDayFirstOnly && _sawMonthFirstOnly))
            {
                return DateOrder.None;
            }

            if (_sawDayFirstOnly)
            {
                return DateOrder.DayFirst;
            }

            return _sawMonthFirstOnly ? DateOrder.MonthFirst : DateOrder.Ambiguous;
        }
    }

    /// <summary>
    /// Records which orders <paramref name="value"/> fits. Every observed value counts, so the caller skips
    /// null tokens (such as empty cells) first: a value that fits neither order makes <see cref="Result"/>
    /// <see cref="DateOrder.None"/> for good.
    /// </summary>
    /// <param name="value">One cell's text, untrimmed.</param>
    public void Observe(ReadOnlySpan<char> value)
    {
        _sawValue = true;
        if (!TryParse(value, out Parts parts))
        {
            _sawNeither = true;
            return;
        }

        HasTime |= parts.HasTime;
        bool dayFirst = CalendarText.IsValidDate(parts.Year, parts.SecondNumber, parts.FirstNumber);
        bool monthFirst = CalendarText.IsValidDate(parts.Year, parts.FirstNumber, parts.SecondNumber);
        if (dayFirst && !monthFirst)
        {
            _sawDayFirstOnly = true;
        }
        else if (monthFirst && !dayFirst)
        {
            _sawMonthFirstOnly = true;
        }
        else if (!dayFirst)
        {
            // Both false: "31/02/2024" or "02/31/2024" is no date in either order.
            _sawNeither = true;
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> read in <paramref name="order"/> as <c>yyyy-MM-dd</c>, or as
    /// <c>yyyy-MM-ddTHH:mm:ss</c> when it has a time part (seconds added when absent).
    /// </summary>
    /// <param name="value">One cell's text.</param>
    /// <param name="order"><see cref="DateOrder.DayFirst"/> or <see cref="DateOrder.MonthFirst"/>; for an
    /// <see cref="DateOrder.Ambiguous"/> column the caller must choose one of them.</param>
    /// <param name="destination">Where to write; <see cref="MaxCanonicalLength"/> characters always suffice.</param>
    /// <param name="written">How many characters were written; 0 on failure.</param>
    /// <returns>False when the value does not fit <paramref name="order"/>, the order is neither day-first nor
    /// month-first, or <paramref name="destination"/> is too short.</returns>
    public static bool TryCanonical(ReadOnlySpan<char> value, DateOrder order, Span<char> destination, out int written)
    {
        written = 0;
        if ((order != DateOrder.DayFirst && order != DateOrder.MonthFirst) || !TryParse(value, out Parts parts))
        {
            return false;
        }

        int day = order == DateOrder.DayFirst ? parts.FirstNumber : parts.SecondNumber;
        int month = order == DateOrder.DayFirst ? parts.SecondNumber : parts.FirstNumber;
        int length = parts.HasTime ? MaxCanonicalLength : DateOnlyLength;
        if (!CalendarText.IsValidDate(parts.Year, month, day) || destination.Length < length)
        {
            return false;
        }

        CalendarText.WriteDate(destination, parts.Year, month, day);
        if (parts.HasTime)
        {
            CalendarText.WriteTime(destination, DateOnlyLength, parts.Hour, parts.Minute, parts.Second);
        }

        written = length;
        return true;
    }

    // Checks the shape and the time of day; which order the two leading numbers are in is decided by the
    // callers, since that is the whole point of this class.
    private static bool TryParse(ReadOnlySpan<char> value, out Parts parts)
    {
        parts = default;
        int i = CalendarText.Read1Or2(value, 0, out parts.FirstNumber);
        if (i == 0 || i >= value.Length)
        {
            return false;
        }

        char separator = value[i];
        if (separator != '/' && separator != '.' && separator != '-')
        {
            return false;
        }

        i++;
        int digits = CalendarText.Read1Or2(value, i, out parts.SecondNumber);
        i += digits;

        // The same separator twice: "03/04-2024" is more likely a typo or two columns glued together.
        if (digits == 0 || i >= value.Length || value[i] != separator)
        {
            return false;
        }

        i++;
        if (!CalendarText.TryRead4(value, i, out parts.Year))
        {
            return false;
        }

        i += 4;
        if (i == value.Length)
        {
            return true;
        }

        if (value[i] != ' ')
        {
            return false;
        }

        i++;
        digits = CalendarText.Read1Or2(value, i, out parts.Hour);
        i += digits;
        if (digits == 0 || i >= value.Length || value[i] != ':' || !CalendarText.TryRead2(value, i + 1, out parts.Minute))
        {
            return false;
        }

        i += 3;
        if (i < value.Length)
        {
            if (value[i] != ':' || !CalendarText.TryRead2(value, i + 1, out parts.Second))
            {
                return false;
            }

            i += 3;
        }

        parts.HasTime = true;
        return i == value.Length && parts.Hour <= 23 && parts.Minute <= 59 && parts.Second <= 59;
    }

    // Mutable fields so the parser can fill them through 'out' arguments; the struct never leaves this class.
    private struct Parts
    {
        public int FirstNumber;
        public int SecondNumber;
        public int Year;
        public bool HasTime;
        public int Hour;
        public int Minute;
        public int Second;
    }
}
