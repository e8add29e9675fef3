using System.Globalization;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// The accepted text forms of each <see cref="ColumnType"/> and their conversion to typed values.
/// Only forms that convert back to the same text are accepted, so typing a column never changes what users see:
/// <c>08123</c> and <c>+5</c> stay text, <c>1.50</c> stays <c>1.50</c>.
/// </summary>
public static class ColumnValues
{
    /// <summary>At most this many digits make an integer; longer digit strings are identifiers and stay text.</summary>
    public const int MaxIntegerDigits = 18;

    /// <summary>At most this many digits make a decimal, the precision of <see cref="decimal"/>.</summary>
    public const int MaxDecimalDigits = 28;

    /// <summary><c>true</c> or <c>false</c> in any letter case.</summary>
    public static bool IsBoolean(ReadOnlySpan<char> value) =>
        value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>0</c>, or an optional <c>-</c> then 1-18 digits without a leading zero.</summary>
    public static bool IsInteger(ReadOnlySpan<char> value)
    {
        var digits = value.Length > 0 && value[0] == '-' ? value[1..] : value;
        if (digits.IsEmpty || digits.Length > MaxIntegerDigits || !IsDigits(digits))
        {
            return false;
        }

        // A leading zero (08123) marks a code, not a number; "-0" would not come back as written.
        return digits[0] != '0' || (digits.Length == 1 && value.Length == 1);
    }

    /// <summary>An integer, or an optional <c>-</c>, an integer part without a leading zero, a point and digits.</summary>
    public static bool IsDecimal(ReadOnlySpan<char> value)
    {
        var unsigned = value.Length > 0 && value[0] == '-' ? value[1..] : value;
        var point = unsigned.IndexOf('.');
        if (point < 0)
        {
            // Without a point only integers qualify: long digit strings are identifiers, not amounts.
            return IsInteger(value);
        }

        var whole = unsigned[..point];
        var fraction = unsigned[(point + 1)..];
        if (whole.IsEmpty || !IsDigits(whole) || (whole.Length > 1 && whole[0] == '0') || fraction.IsEmpty || !IsDigits(fraction))
        {
            return false;
        }

        return whole.Length + fraction.Length <= MaxDecimalDigits;
    }

    /// <summary>An ISO 8601 calendar date, <c>yyyy-MM-dd</c>.</summary>
    public static bool IsDate(ReadOnlySpan<char> value) => IsoDateTimeText.TryParse(value, IsoForms.Date, out _);

    /// <summary>An ISO 8601 date and time without offset, with <c>T</c> or a space between them.</summary>
    public static bool IsTimestamp(ReadOnlySpan<char> value) => IsoDateTimeText.TryParse(value, TimestampForms, out _);

    /// <summary>
    /// An ISO 8601 date and time with its UTC offset (<c>Z</c>, <c>±hh:mm</c>, <c>±hhmm</c> or <c>±hh</c>), with
    /// <c>T</c> or a space between date and time.
    /// </summary>
    public static bool IsTimestampTz(ReadOnlySpan<char> value) => IsoDateTimeText.TryParse(value, TimestampTzForms, out _);

    /// <summary>
    /// The value to store for a field of a column of <paramref name="type"/>, as <see cref="TryWrite"/> writes it:
    /// null, a <see cref="long"/> (integer, boolean as 0 or 1) or the canonical text.
    /// </summary>
    /// <returns>False when the value does not fit the type.</returns>
    public static bool TryConvert(ColumnType type, ReadOnlySpan<char> value, bool isNull, out object? stored, DateOrder order = DateOrder.None)
    {
        var single = new SingleValue();
        var fits = TryWrite(type, value, isNull, single, 0, order);
        stored = single.Value;
        return fits;
    }

    /// <summary>
    /// Writes a field of a column of <paramref name="type"/> to a staging writer without allocating: integers and
    /// booleans as integers, everything else as its canonical text; nulls, and empty strings outside text, as null.
    /// </summary>
    /// <returns>False when the value does not fit the type.</returns>
    public static bool TryWrite(ColumnType type, ReadOnlySpan<char> value, bool isNull, IStagingWriter writer, int column, DateOrder order = DateOrder.None)
    {
        if (isNull || (value.IsEmpty && type != ColumnType.Text))
        {
            writer.WriteNull(column);
            return true;
        }

        switch (type)
        {
            case ColumnType.Text:
                writer.WriteText(column, value);
                return true;
            case ColumnType.Boolean when IsBoolean(value):
                writer.WriteInteger(column, (value[0] | 0x20) == 't' ? 1 : 0);
                return true;
            case ColumnType.Integer when TryParseInteger(value, out var integer):
                writer.WriteInteger(column, integer);
                return true;
            case ColumnType.Decimal when IsDecimal(value):
            case ColumnType.Date when IsDate(value):
                writer.WriteText(column, value);
                return true;
            case ColumnType.Date or ColumnType.Timestamp when order != DateOrder.None:
            case ColumnType.Timestamp:
                Span<char> canonical = stackalloc char[IsoDateTimeText.MaxTimestampLength];
                if (!TryCanonicalDate(type, value, order, canonical, out var length))
                {
                    return false;
                }

                writer.WriteText(column, canonical[..length]);
                return true;
            case ColumnType.Double or ColumnType.TimestampTz:
                Span<char> text = stackalloc char[MaxCanonicalLength];
                if (!TryCanonical(type, value, text, out var written))
                {
                    return false;
                }

                writer.WriteText(column, text[..written]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The JSON-ready value of a stored field, the same from every warehouse: long, bool, decimal, double,
    /// or the canonical text of dates and times (SQLite stores that text; PostgreSQL and SQL Server typed values).
    /// </summary>
    public static object? FromStored(ColumnType type, object? stored) => stored switch
    {
        null or DBNull => null,
        _ => type switch
        {
            ColumnType.Boolean => stored is bool flag ? flag : Convert.ToInt64(stored, CultureInfo.InvariantCulture) != 0,
            ColumnType.Integer => Convert.ToInt64(stored, CultureInfo.InvariantCulture),
            ColumnType.Decimal => stored switch
            {
                decimal exact => exact,
                double approximate => (decimal)approximate,
                long whole => (decimal)whole,
                _ => decimal.Parse(Convert.ToString(stored, CultureInfo.InvariantCulture)!, NumberStyles.Float, CultureInfo.InvariantCulture),
            },
            ColumnType.Double => stored is string written ? double.Parse(written, NumberStyles.Float, CultureInfo.InvariantCulture) : Convert.ToDouble(stored, CultureInfo.InvariantCulture),
            ColumnType.Date when stored is DateTime date => StoredText.Date(DateOnly.FromDateTime(date)),
            ColumnType.Date when stored is DateOnly date => StoredText.Date(date),
            ColumnType.Timestamp when stored is DateTime timestamp => StoredText.Timestamp(timestamp),
            ColumnType.TimestampTz when stored is DateTime instant => StoredText.TimestampTz(new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc))),
            ColumnType.TimestampTz when stored is DateTimeOffset instant => StoredText.TimestampTz(instant),
            _ => Convert.ToString(stored, CultureInfo.InvariantCulture),
        },
    };

    /// <summary>The lower-case name of a type as the Api and the docs write it.</summary>
    public static string Name(ColumnType type) => type switch
    {
        ColumnType.Boolean => "boolean",
        ColumnType.Integer => "integer",
        ColumnType.Decimal => "decimal",
        ColumnType.Double => "double",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamp",
        ColumnType.TimestampTz => "timestamptz",
        _ => "text",
    };

    /// <summary>The type a lower-case name stands for; null for an unknown name.</summary>
    public static ColumnType? Parse(string? name) => name switch
    {
        "text" => ColumnType.Text,
        "boolean" => ColumnType.Boolean,
        "integer" => ColumnType.Integer,
        "decimal" => ColumnType.Decimal,
        "double" => ColumnType.Double,
        "date" => ColumnType.Date,
        "timestamp" => ColumnType.Timestamp,
        "timestamptz" => ColumnType.TimestampTz,
        _ => null,
    };

    private const int MaxCanonicalLength = 40;

    // Files write a space for the T and leave out seconds often enough that typing a column takes both.
    private const IsoForms TimestampForms = IsoForms.Timestamp | IsoForms.SpaceSeparator | IsoForms.OptionalSeconds;

    private const IsoForms TimestampTzForms =
        IsoForms.TimestampTz | IsoForms.SpaceSeparator | IsoForms.OptionalSeconds | IsoForms.OffsetWithoutMinutes;

    /// <summary>
    /// A date or timestamp in ISO form, from ISO text or, for a column with a known day order, from
    /// <c>03/04/2024</c>-style text. A date column takes no time of day; a timestamp column takes dates as midnight.
    /// </summary>
    private static bool TryCanonicalDate(ColumnType type, ReadOnlySpan<char> value, DateOrder order, Span<char> destination, out int written)
    {
        written = 0;
        if (type == ColumnType.Date)
        {
            if (IsDate(value))
            {
                value.CopyTo(destination);
                written = value.Length;
                return true;
            }

            return DateOrderInference.TryCanonical(value, order, destination, out written) && written == 10;
        }

        if (IsoDateTimeText.TryCanonical(value, IsoForms.Date | TimestampForms, destination, out written))
        {
            return true;
        }

        if (order == DateOrder.None || !DateOrderInference.TryCanonical(value, order, destination, out written))
        {
            return false;
        }

        if (written == 10)
        {
            "T00:00:00".CopyTo(destination[10..]);
            written = 19;
        }

        return true;
    }

    /// <summary>Doubles as written; offset timestamps with seconds and a <c>+hh:mm</c> offset.</summary>
    private static bool TryCanonical(ColumnType type, ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        written = 0;
        if (type == ColumnType.Double)
        {
            // Kept as written (6.02e23 stays 6.02e23): every accepted form is already a valid JSON number.
            if (value.Length > destination.Length || !(IsDecimal(value) || DoubleText.IsDouble(value)))
            {
                return false;
            }

            value.CopyTo(destination);
            written = value.Length;
            return true;
        }

        return IsoDateTimeText.TryCanonical(value, TimestampTzForms, destination, out written);
    }

    /// <summary>Catches the one value <see cref="TryConvert"/> asks <see cref="TryWrite"/> for.</summary>
    private sealed class SingleValue : IStagingWriter
    {
        public object? Value { get; private set; }

        public void WriteNull(int column) => Value = null;

        public void WriteInteger(int column, long value) => Value = value;

        public void WriteText(int column, ReadOnlySpan<char> value) => Value = value.ToString();

        public void EndRow(long sourceRow)
        {
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Checks the integer form and computes its value in one pass (at most 18 digits cannot overflow).</summary>
    private static bool TryParseInteger(ReadOnlySpan<char> value, out long result)
    {
        result = 0;
        if (!IsInteger(value))
        {
            return false;
        }

        var negative = value[0] == '-';
        foreach (var c in negative ? value[1..] : value)
        {
            result = (result * 10) + (c - '0');
        }

        result = negative ? -result : result;
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('0', '9');
}
