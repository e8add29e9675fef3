using Diviora.Core.Catalog;

namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Infers the narrowest <see cref="ColumnType"/> that every value of one column fits, seeing every value once.
/// Nulls (empty unquoted fields) do not narrow the type; an empty string (<c>""</c>) is a text value; a column
/// with no values at all is text.
/// </summary>
public sealed class ColumnTypeInference
{
    private bool _boolean = true;
    private bool _integer = true;
    private bool _decimal = true;
    private bool _double = true;
    private bool _timestampTz = true;
    private bool _date = true;
    private bool _timestamp = true;
    private bool _sawValue;
    private int _wholeDigits;
    private int _scale;
    private bool _slashDate = true;
    private readonly DateOrderInference _slashDates = new();

    /// <summary>True once an empty field was seen.</summary>
    public bool Nullable { get; private set; }

    /// <summary>True once a value (not a null) was seen.</summary>
    public bool HasValues => _sawValue;

    /// <summary>Takes one value into account; <paramref name="isNull"/> marks a null rather than an empty string.</summary>
    public void Observe(ReadOnlySpan<char> value, bool isNull = false)
    {
        if (isNull)
        {
            Nullable = true;
            return;
        }

        if (value.IsEmpty)
        {
            // Only text keeps an empty string as it is.
            _sawValue = true;
            _boolean = _integer = _decimal = _double = _date = _timestamp = _timestampTz = _slashDate = false;
            return;
        }

        _sawValue = true;
        // Each test runs only while its type is still possible, so a text column costs almost nothing per value.
        if (_boolean)
        {
            _boolean = ColumnValues.IsBoolean(value);
        }

        if (_integer)
        {
            _integer = ColumnValues.IsInteger(value);
        }

        if (_decimal || _double)
        {
            var isDecimal = ColumnValues.IsDecimal(value);
            _decimal &= isDecimal;
            _double &= isDecimal || DoubleText.IsDouble(value);
            if (isDecimal)
            {
                var digits = value[0] == '-' ? value[1..] : value;
                var point = digits.IndexOf('.');
                _wholeDigits = Math.Max(_wholeDigits, point < 0 ? digits.Length : point);
                _scale = Math.Max(_scale, point < 0 ? 0 : digits.Length - point - 1);
            }
        }

        if (_slashDate)
        {
            _slashDates.Observe(value);
            _slashDate = _slashDates.Result != DateOrder.None;
        }

        if (_timestampTz)
        {
            _timestampTz = ColumnValues.IsTimestampTz(value);
        }

        if (_date || _timestamp)
        {
            var isDate = ColumnValues.IsDate(value);
            _date &= isDate;
            _timestamp &= isDate || ColumnValues.IsTimestamp(value);
        }
    }

    /// <summary>
    /// For a column of <c>03/04/2024</c>-style dates, the order every value allows. A column in which every value
    /// could be read either way stays text: guessing would silently swap days and months.
    /// </summary>
    public DateOrder DateOrder => Result is ColumnType.Date or ColumnType.Timestamp && !_date && !_timestamp ? _slashDates.Result : DateOrder.None;

    /// <summary>For a decimal column, the most digits a value has (precision) and the most after the point (scale).</summary>
    public (int Precision, int Scale)? DecimalShape => Result == ColumnType.Decimal ? (_wholeDigits + _scale, _scale) : null;

    /// <summary>The narrowest type every value seen so far fits.</summary>
    public ColumnType Result => !_sawValue ? ColumnType.Text
        : _boolean ? ColumnType.Boolean
        : _integer ? ColumnType.Integer
        : _decimal ? ColumnType.Decimal
        : _double ? ColumnType.Double
        : _date ? ColumnType.Date
        : _timestamp ? ColumnType.Timestamp
        : _timestampTz ? ColumnType.TimestampTz
        : _slashDate && _slashDates.Result is DateOrder.DayFirst or DateOrder.MonthFirst
            ? (_slashDates.HasTime ? ColumnType.Timestamp : ColumnType.Date)
        : ColumnType.Text;
}
