namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// The ISO 8601 forms a caller of <see cref="IsoDateTimeText"/> takes. Ingestion, column rules, the filter language
/// and the Parquet export have always differed on a few of them (see each flag), so each names its own set.
/// </summary>
[Flags]
internal enum IsoForms
{
    /// <summary>Nothing: every text is refused.</summary>
    None = 0,

    /// <summary>A calendar date alone: <c>yyyy-MM-dd</c>.</summary>
    Date = 1,

    /// <summary>A date and time of day without offset: <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}]</c>.</summary>
    Timestamp = 2,

    /// <summary>A date and time of day followed by <c>Z</c>, <c>±hh:mm</c> or <c>±hhmm</c>.</summary>
    TimestampTz = 4,

    /// <summary>
    /// A space may stand for the <c>T</c>. The filter language refuses it and its message asks for the <c>T</c>:
    /// a literal has one spelling there, while files and warehouses write both.
    /// </summary>
    SpaceSeparator = 8,

    /// <summary>
    /// Seconds may be left out (<c>HH:mm</c>). The Parquet export refuses it: the text it reads was written by a
    /// warehouse, always with seconds, so a shorter value is a fault to report rather than a form to read.
    /// </summary>
    OptionalSeconds = 16,

    /// <summary>
    /// An offset of whole hours may be written <c>±hh</c>. Files and warehouses take it (PostgreSQL prints whole-hour
    /// offsets so); the filter language never did, and its message asks for <c>+02:00</c>.
    /// </summary>
    OffsetWithoutMinutes = 32,
}
