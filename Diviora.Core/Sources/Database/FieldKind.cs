namespace Diviora.Core.Sources.Database;

/// <summary>How a column's values are read from the driver, and written as JSON.</summary>
internal enum FieldKind
{
    /// <summary>Read with <c>GetValue</c>; arrays become JSON arrays, anything else invariant text.</summary>
    Other,
    Boolean,
    Byte,
    Int16,
    Int32,
    Int64,
    Decimal,
    Single,
    Double,
    String,

    /// <summary>A date and time: ISO 8601, with <c>Z</c> when the driver gives it as UTC.</summary>
    DateTime,

    /// <summary>A <c>date</c> column, which drivers read as a <see cref="System.DateTime"/> at midnight.</summary>
    Date,

    /// <summary>A <c>time</c> column, which drivers read as a <see cref="System.TimeSpan"/> since midnight.</summary>
    Time,

    /// <summary>A duration (<c>interval</c>).</summary>
    TimeSpan,
    DateTimeOffset,
    Guid,
    Bytes,
}
