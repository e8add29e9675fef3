namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// The parts of a date, timestamp or offset timestamp that <see cref="IsoDateTimeText"/> read, already checked: a
/// real calendar date in years 1 to 9999, hour 0-23, minute and second 0-59, an offset of at most 14:00 whose
/// instant <see cref="DateTimeOffset"/> can hold. Fields rather than properties so the parser can fill them in place.
/// </summary>
internal struct IsoDateTime
{
    public int Year;
    public int Month;
    public int Day;
    public int Hour;
    public int Minute;
    public int Second;

    /// <summary>The fraction of the second in 100 ns ticks, 0 to 9,999,999.</summary>
    public int FractionTicks;

    /// <summary>False for a date alone, which stands for its midnight.</summary>
    public bool HasTime;

    /// <summary>False when no offset was written; the converters below then take the time as UTC.</summary>
    public bool HasOffset;

    /// <summary>Kept apart from the hours so that <c>-00:00</c> (offset unknown, RFC 3339) survives canonical text.</summary>
    public bool OffsetNegative;
    public int OffsetHours;
    public int OffsetMinutes;

    /// <summary>The signed offset from UTC in minutes; 0 for <c>Z</c> or no offset.</summary>
    public readonly int OffsetTotalMinutes => (OffsetNegative ? -1 : 1) * ((OffsetHours * 60) + OffsetMinutes);

    /// <summary>The calendar date.</summary>
    public readonly DateOnly Date => new(Year, Month, Day);

    /// <summary>The wall-clock time in <see cref="DateTime"/> ticks, the offset ignored.</summary>
    public readonly long Ticks =>
        (Date.DayNumber * TimeSpan.TicksPerDay)
        + (Hour * TimeSpan.TicksPerHour)
        + (Minute * TimeSpan.TicksPerMinute)
        + (Second * TimeSpan.TicksPerSecond)
        + FractionTicks;

    /// <summary>The wall-clock time, with no time zone (<see cref="DateTimeKind.Unspecified"/>).</summary>
    public readonly DateTime ToDateTime() => new(Ticks, DateTimeKind.Unspecified);

    /// <summary>The instant with its offset; a missing offset means UTC, never the server's time zone.</summary>
    public readonly DateTimeOffset ToDateTimeOffset() => new(Ticks, TimeSpan.FromMinutes(OffsetTotalMinutes));

    /// <summary>The instant in UTC; a missing offset means UTC.</summary>
    public readonly DateTime ToUtcDateTime() => new(Ticks - (OffsetTotalMinutes * TimeSpan.TicksPerMinute), DateTimeKind.Utc);
}
