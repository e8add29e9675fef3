namespace Diviora.Core.Catalog;

/// <summary>The type of a dataset column, as inferred from its values or declared by the dataset.</summary>
public enum ColumnType
{
    /// <summary>Any text; the type every value fits.</summary>
    Text = 0,
    /// <summary><c>true</c> or <c>false</c>, in any letter case.</summary>
    Boolean = 1,
    /// <summary>A 64-bit integer written without a sign other than <c>-</c> and without leading zeros.</summary>
    Integer = 2,
    /// <summary>An exact decimal number; the scale of each value is kept (<c>1.50</c> stays <c>1.50</c>).</summary>
    Decimal = 3,
    /// <summary>A calendar date written <c>yyyy-MM-dd</c>.</summary>
    Date = 4,
    /// <summary>A date and time of day without an offset, ISO 8601.</summary>
    Timestamp = 5,
    /// <summary>A binary floating-point number written with an exponent (<c>6.02e23</c>).</summary>
    Double = 6,
    /// <summary>A date and time of day with its UTC offset (<c>2024-01-02T10:00:00+02:00</c>), ISO 8601.</summary>
    TimestampTz = 7,
}
