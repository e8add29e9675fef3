using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// One non-null value of a row, read with the driver's typed getter and kept unboxed, so that a row is written without
/// allocating for numbers and times, and the incremental column's value can be kept as the cursor.
/// </summary>
internal readonly struct FieldValue
{
    // The longest text of a formatted time or id: "O" of a DateTimeOffset is 33 characters, "c" of a TimeSpan 26.
    private const int MaxFormattedLength = 48;

    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    // One of these holds the value, by kind: integers and booleans in _integer, floating point in _real, dates and
    // timestamps in _time, times of day and durations in _span; text, bytes and other values in _reference.
    private readonly long _integer;
    private readonly double _real;
    private readonly decimal _decimal;
    private readonly DateTime _time;
    private readonly TimeSpan _span;
    private readonly DateTimeOffset _instant;
    private readonly Guid _guid;
    private readonly object? _reference;

    private FieldValue(FieldKind kind, long integer = 0, double real = 0, decimal number = 0, DateTime time = default, TimeSpan span = default,
        DateTimeOffset instant = default, Guid guid = default, object? reference = null)
    {
        Kind = kind;
        _integer = integer;
        _real = real;
        _decimal = number;
        _time = time;
        _span = span;
        _instant = instant;
        _guid = guid;
        _reference = reference;
    }

    public FieldKind Kind { get; }

    /// <summary>
    /// How values of a column of .NET type <paramref name="type"/> (the driver's <c>GetFieldType</c>) and database type
    /// <paramref name="dataTypeName"/> are read: <c>date</c> and <c>time</c> columns, which drivers give as a
    /// <see cref="DateTime"/> and a <see cref="TimeSpan"/>, are told apart from timestamps and durations by their name.
    /// </summary>
    public static FieldKind KindOf(Type type, string? dataTypeName) => type switch
    {
        _ when type == typeof(bool) => FieldKind.Boolean,
        _ when type == typeof(byte) => FieldKind.Byte,
        _ when type == typeof(short) => FieldKind.Int16,
        _ when type == typeof(int) => FieldKind.Int32,
        _ when type == typeof(long) => FieldKind.Int64,
        _ when type == typeof(decimal) => FieldKind.Decimal,
        _ when type == typeof(float) => FieldKind.Single,
        _ when type == typeof(double) => FieldKind.Double,
        _ when type == typeof(string) => FieldKind.String,
        _ when type == typeof(DateTime) => string.Equals(dataTypeName, "date", StringComparison.OrdinalIgnoreCase) ? FieldKind.Date : FieldKind.DateTime,
        _ when type == typeof(TimeSpan) => dataTypeName is not null && dataTypeName.StartsWith("time", StringComparison.OrdinalIgnoreCase) ? FieldKind.Time : FieldKind.TimeSpan,
        _ when type == typeof(DateTimeOffset) => FieldKind.DateTimeOffset,
        _ when type == typeof(Guid) => FieldKind.Guid,
        _ when type == typeof(byte[]) => FieldKind.Bytes,
        _ => FieldKind.Other,
    };

    /// <summary>Reads the value at <paramref name="ordinal"/>, which is not null, as <paramref name="kind"/>.</summary>
    public static FieldValue Read(DbDataReader reader, int ordinal, FieldKind kind) => kind switch
    {
        FieldKind.Boolean => new(kind, integer: reader.GetBoolean(ordinal) ? 1 : 0),
        FieldKind.Byte => new(kind, integer: reader.GetByte(ordinal)),
        FieldKind.Int16 => new(kind, integer: reader.GetInt16(ordinal)),
        FieldKind.Int32 => new(kind, integer: reader.GetInt32(ordinal)),
        FieldKind.Int64 => new(kind, integer: reader.GetInt64(ordinal)),
        FieldKind.Decimal => new(kind, number: reader.GetDecimal(ordinal)),
        FieldKind.Single => new(kind, real: reader.GetFloat(ordinal)),
        FieldKind.Double => new(kind, real: reader.GetDouble(ordinal)),
        FieldKind.String => new(kind, reference: reader.GetString(ordinal)),
        FieldKind.DateTime or FieldKind.Date => new(kind, time: reader.GetDateTime(ordinal)),
        FieldKind.Time or FieldKind.TimeSpan => new(kind, span: reader.GetFieldValue<TimeSpan>(ordinal)),
        FieldKind.DateTimeOffset => new(kind, instant: reader.GetFieldValue<DateTimeOffset>(ordinal)),
        FieldKind.Guid => new(kind, guid: reader.GetGuid(ordinal)),
        FieldKind.Bytes => new(kind, reference: reader.GetFieldValue<byte[]>(ordinal)),
        _ => FromObject(reader.GetValue(ordinal)),
    };

    /// <summary>A value the driver gave as an object (an element of an array, a type without a getter of its own).</summary>
    private static FieldValue FromObject(object value) => value switch
    {
        bool b => new(FieldKind.Boolean, integer: b ? 1 : 0),
        byte n => new(FieldKind.Byte, integer: n),
        sbyte n => new(FieldKind.Int64, integer: n),
        short n => new(FieldKind.Int16, integer: n),
        ushort n => new(FieldKind.Int32, integer: n),
        int n => new(FieldKind.Int32, integer: n),
        uint n => new(FieldKind.Int64, integer: n),
        long n => new(FieldKind.Int64, integer: n),
        ulong n => new(FieldKind.Decimal, number: n),
        decimal n => new(FieldKind.Decimal, number: n),
        float n => new(FieldKind.Single, real: n),
        double n => new(FieldKind.Double, real: n),
        string s => new(FieldKind.String, reference: s),
        char c => new(FieldKind.String, reference: c.ToString()),
        DateTime t => new(FieldKind.DateTime, time: t),
        DateOnly d => new(FieldKind.Date, time: d.ToDateTime(TimeOnly.MinValue)),
        TimeOnly t => new(FieldKind.Time, span: t.ToTimeSpan()),
        TimeSpan t => new(FieldKind.TimeSpan, span: t),
        DateTimeOffset t => new(FieldKind.DateTimeOffset, instant: t),
        Guid g => new(FieldKind.Guid, guid: g),
        byte[] bytes => new(FieldKind.Bytes, reference: bytes),
        _ => new(FieldKind.Other, reference: value),
    };

    /// <summary>Writes the value: numbers as JSON numbers written exactly, booleans, and everything else as text.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case FieldKind.Boolean:
                writer.WriteBooleanValue(_integer != 0);
                break;
            case FieldKind.Byte or FieldKind.Int16 or FieldKind.Int32 or FieldKind.Int64:
                writer.WriteNumberValue(_integer);
                break;
            case FieldKind.Decimal:
                writer.WriteNumberValue(_decimal);
                break;
            case FieldKind.Single when float.IsFinite((float)_real):
                writer.WriteNumberValue((float)_real);
                break;
            case FieldKind.Double when double.IsFinite(_real):
                writer.WriteNumberValue(_real);
                break;
            case FieldKind.String:
                writer.WriteStringValue((string)_reference!);
                break;
            case FieldKind.Bytes:
                writer.WriteBase64StringValue((byte[])_reference!);
                break;
            case FieldKind.Other:
                WriteOther(writer, _reference!);
                break;
            default:
                // Times, ids and the infinities JSON numbers cannot hold.
                Span<char> text = stackalloc char[MaxFormattedLength];
                writer.WriteStringValue(text[..Format(text)]);
                break;
        }
    }

    /// <summary>The value as invariant text that <see cref="IncrementalColumn"/> reads back to the same value.</summary>
    public string ToText() => Kind switch
    {
        FieldKind.Boolean => _integer != 0 ? "true" : "false",
        FieldKind.String => (string)_reference!,
        FieldKind.Bytes => "0x" + Convert.ToHexString((byte[])_reference!),
        FieldKind.Other => Convert.ToString(_reference, CultureInfo.InvariantCulture) ?? string.Empty,
        _ => FormatToString(),
    };

    private string FormatToString()
    {
        Span<char> text = stackalloc char[MaxFormattedLength];
        return new string(text[..Format(text)]);
    }

    /// <summary>Writes the text of a number, time or id; the characters written.</summary>
    private int Format(Span<char> text)
    {
        var invariant = CultureInfo.InvariantCulture;
        int written;
        var done = Kind switch
        {
            FieldKind.Byte or FieldKind.Int16 or FieldKind.Int32 or FieldKind.Int64 => _integer.TryFormat(text, out written, default, invariant),
            FieldKind.Decimal => _decimal.TryFormat(text, out written, default, invariant),
            FieldKind.Single => ((float)_real).TryFormat(text, out written, "R", invariant),
            FieldKind.Double => _real.TryFormat(text, out written, "R", invariant),
            FieldKind.DateTime => _time.TryFormat(text, out written, "O", invariant),
            FieldKind.Date => DateOnly.FromDateTime(_time).TryFormat(text, out written, "O", invariant),
            // PostgreSQL's time type allows 24:00:00, the end of a day, which TimeOnly does not.
            FieldKind.Time when _span == OneDay => Copy("24:00:00", text, out written),
            FieldKind.Time => TimeOnly.FromTimeSpan(_span).TryFormat(text, out written, "O", invariant),
            FieldKind.TimeSpan => _span.TryFormat(text, out written, "c", invariant),
            FieldKind.DateTimeOffset => _instant.TryFormat(text, out written, "O", invariant),
            FieldKind.Guid => _guid.TryFormat(text, out written),
            _ => throw new InvalidOperationException($"A {Kind} value is not formatted here."),
        };
        return done ? written : throw new InvalidOperationException($"A {Kind} value did not fit {MaxFormattedLength} characters.");
    }

    private static bool Copy(string value, Span<char> text, out int written)
    {
        written = value.Length;
        return value.TryCopyTo(text);
    }

    /// <summary>Arrays become JSON arrays and maps JSON objects, element by element; anything else its invariant text.</summary>
    private static void WriteOther(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteElement(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteElement(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, object? value)
    {
        if (value is null or DBNull)
        {
            writer.WriteNullValue();
        }
        else
        {
            FromObject(value).WriteTo(writer);
        }
    }
}
