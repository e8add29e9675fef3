using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Ingestion.Validation;

/// <summary>
/// A column's <see cref="ColumnSettings"/> compiled once (regex built, allowed set hashed, bounds parsed)
/// so that <see cref="Apply"/> can run per value without allocating unless a value is rejected.
/// Immutable and safe to share between threads; each thread needs its own <see cref="ValueBuffer"/>.
/// </summary>
public sealed class ColumnRules
{
    /// <summary>How long one pattern match may run before it counts as a violation.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private const int MaxQuotedChars = 100;
    private const int MaxListedAllowed = 10;

    // Longest ISO text we write: yyyy-MM-ddTHH:mm:ss.fffffff+HH:mm is 33 chars.
    private const int MaxIsoChars = 40;

    // Every ISO form, as ingestion accepts them, with or without time and offset.
    private const IsoForms IsoDate = IsoForms.Date | IsoForms.Timestamp | IsoForms.TimestampTz
        | IsoForms.SpaceSeparator | IsoForms.OptionalSeconds | IsoForms.OffsetWithoutMinutes;

    private const string KnownTypeList = "text, boolean, integer, decimal, double, date, timestamp, timestamptz";
    private const string BoundTypeList = "integer, decimal, double, date, timestamp and timestamptz";

    private enum CaseMode { None, Upper, Lower }

    private enum BoundKind { None, Number, Date }

    private ColumnRules(ColumnSettings settings) => Settings = settings;

    /// <summary>The settings these rules were compiled from.</summary>
    public ColumnSettings Settings { get; }

    /// <summary>The column's name in the source data.</summary>
    public string Name => Settings.Name;

    /// <summary>The column's name in the output (<c>Rename ?? Name</c>).</summary>
    public string RenamedName => Settings.RenamedName;

    private ColumnType Type { get; init; }
    private bool TrimValue { get; init; }
    private string? DefaultText { get; init; }
    private CaseMode Casing { get; init; }
    private string? DateFormat { get; init; }
    private string IsoFormat { get; init; } = "";
    private bool IsRequired { get; init; }
    private int MaxLength { get; init; }
    private Regex? PatternRegex { get; init; }
    private HashSet<string>? AllowedSet { get; init; }

    // Looks up a span without turning it into a string; only meaningful when AllowedSet is set.
    private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AllowedLookup { get; init; }
    private string AllowedList { get; init; } = "";
    private BoundKind Bounds { get; init; }
    private decimal? MinNumber { get; init; }
    private decimal? MaxNumber { get; init; }
    private DateTimeOffset? MinDate { get; init; }
    private DateTimeOffset? MaxDate { get; init; }
    private string MinText { get; init; } = "";
    private string MaxText { get; init; } = "";

    /// <summary>Compiles <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">The settings are invalid; the message is what <see cref="ColumnSettings.Validate"/> returns.</exception>
    public static ColumnRules Compile(ColumnSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (rules, error) = Build(settings, forExecution: true);
        if (error is not null)
        {
            throw new ArgumentException($"column '{settings.Name}': {error}", nameof(settings));
        }

        return rules!;
    }

    /// <summary>
    /// Transforms then checks one value, in this order: trim, default, case, format, then
    /// required, maxLength, pattern, allowed, min/max; the first failing step is reported.
    /// </summary>
    /// <param name="value">The raw text; ignored when <paramref name="isNull"/> is true. It may be an earlier result that points into <paramref name="buffer"/>; it is then copied once.</param>
    /// <param name="isNull">True when there is no value at all, as opposed to an empty string.</param>
    /// <param name="buffer">Scratch space for transformed text; the result's <see cref="RuleResult.Value"/> may point into it until the next call with the same buffer.</param>
    /// <remarks>
    /// A null value (after default) skips every check except required. An empty, non-null value is still checked
    /// by maxLength, pattern and allowed (so a pattern or allowed list can reject it) but skips format and min/max,
    /// having no date or number in it. A value that is not a number or ISO date is left to the type check: min/max pass it.
    /// Allocates only a violation message, or when the buffer has to grow.
    /// </remarks>
    public RuleResult Apply(ReadOnlySpan<char> value, bool isNull, ValueBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);

        if (isNull)
        {
            value = default;
        }
        else if (TrimValue)
        {
            value = value.Trim();
        }

        if ((isNull || value.IsEmpty) && DefaultText is not null)
        {
            value = DefaultText;
            isNull = false;
        }

        if (!isNull && !value.IsEmpty && Casing != CaseMode.None)
        {
            if (buffer.Contains(value))
            {
                // Span casing refuses overlapping source and destination; this rare path (chained Apply calls) copies once.
                value = value.ToString();
            }

            var destination = buffer.GetSpan(value.Length);
            _ = Casing == CaseMode.Upper ? value.ToUpperInvariant(destination) : value.ToLowerInvariant(destination);
            value = destination;
        }

        if (!isNull && !value.IsEmpty && DateFormat is not null)
        {
            if (!DateTimeOffset.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Reject(value, $"{Quote(value)} does not match the format {DateFormat}");
            }

            // Parsing is finished, so writing over the buffer is safe even when value came from it.
            var destination = buffer.GetSpan(MaxIsoChars);
            _ = parsed.TryFormat(destination, out int written, IsoFormat, CultureInfo.InvariantCulture);
            value = destination[..written];
        }

        return Check(value, isNull);
    }

    private RuleResult Check(ReadOnlySpan<char> value, bool isNull)
    {
        if (isNull || value.IsEmpty)
        {
            if (IsRequired)
            {
                return Reject(value, isNull, "a value is required");
            }

            if (isNull)
            {
                return new RuleResult(default, isNull: true, violation: null);
            }
        }

        if (MaxLength > 0 && value.Length > MaxLength)
        {
            return Reject(value, string.Create(CultureInfo.InvariantCulture,
                $"{Quote(value)} is {value.Length} characters long, more than {MaxLength}"));
        }

        if (PatternRegex is not null)
        {
            try
            {
                if (!PatternRegex.IsMatch(value))
                {
                    return Reject(value, $"{Quote(value)} does not match {PatternRegex}");
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return Reject(value, string.Create(CultureInfo.InvariantCulture,
                    $"pattern check timed out after {PatternTimeout.TotalMilliseconds} ms on {Quote(value)}; simplify the pattern {PatternRegex}"));
            }
        }

        if (AllowedSet is not null && !AllowedLookup.Contains(value))
        {
            return Reject(value, $"{Quote(value)} is not one of {AllowedList}");
        }

        return Bounds switch
        {
            BoundKind.Number => CheckNumber(value),
            BoundKind.Date => CheckDate(value),
            _ => new RuleResult(value, isNull: false, violation: null),
        };
    }

    private RuleResult CheckNumber(ReadOnlySpan<char> value)
    {
        if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal number))
        {
            if (number < MinNumber)
            {
                return Reject(value, $"{Quote(value)} is less than the minimum {MinText}");
            }

            if (number > MaxNumber)
            {
                return Reject(value, $"{Quote(value)} is more than the maximum {MaxText}");
            }
        }
        else if (Type == ColumnType.Double
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double large)
            && double.IsFinite(large))
        {
            // Beyond decimal's range (~7.9e28) only a double column can hold the value; compare as double instead of letting it pass.
            if (MinNumber is { } min && large < (double)min)
            {
                return Reject(value, $"{Quote(value)} is less than the minimum {MinText}");
            }

            if (MaxNumber is { } max && large > (double)max)
            {
                return Reject(value, $"{Quote(value)} is more than the maximum {MaxText}");
            }
        }

        return new RuleResult(value, isNull: false, violation: null);
    }

    private RuleResult CheckDate(ReadOnlySpan<char> value)
    {
        if (TryParseIsoDate(value, out var date))
        {
            if (date < MinDate)
            {
                return Reject(value, $"{Quote(value)} is less than the minimum {MinText}");
            }

            if (date > MaxDate)
            {
                return Reject(value, $"{Quote(value)} is more than the maximum {MaxText}");
            }
        }

        return new RuleResult(value, isNull: false, violation: null);
    }

    private static RuleResult Reject(ReadOnlySpan<char> value, string reason) => new(value, isNull: false, reason);

    private static RuleResult Reject(ReadOnlySpan<char> value, bool isNull, string reason) => new(value, isNull, reason);

    /// <summary>Quotes a value for a message, cut to 100 chars plus "..." so one huge cell cannot flood a report.</summary>
    internal static string Quote(ReadOnlySpan<char> value)
    {
        if (value.Length <= MaxQuotedChars)
        {
            return string.Concat("'", value, "'");
        }

        // Do not split a surrogate pair, which would leave a broken char in the message.
        int cut = char.IsHighSurrogate(value[MaxQuotedChars - 1]) ? MaxQuotedChars - 1 : MaxQuotedChars;
        return string.Concat("'", value[..cut], "...'");
    }

    /// <summary>
    /// Reads a bound or a value as an instant; a missing offset means UTC. Only text that starts with an ISO date
    /// (then ends, or goes on after 'T', 't' or ' ') is read, so that culture-shaped dates like 01/02/2024 are never guessed at.
    /// </summary>
    private static bool TryParseIsoDate(ReadOnlySpan<char> text, out DateTimeOffset date)
    {
        if (IsoDateTimeText.TryParse(text, IsoDate, out var parsed))
        {
            date = parsed.ToDateTimeOffset();
            return true;
        }

        // Bounds have always been read by the framework's general parser after that start, which also takes forms
        // beyond ISO (a lower-case 't', a 12-hour clock, "GMT", more than seven fraction digits): saved settings that
        // use them stay valid. Only such rare values pay for it; ISO ones were answered above without allocating.
        date = default;
        return text.Length > 10
            && text[10] is 'T' or 't' or ' '
            && IsoDateTimeText.TryParse(text[..10], IsoForms.Date, out _)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
    }

    /// <summary>
    /// A user's pattern, matched in time linear in the value (<see cref="RegexOptions.NonBacktracking"/>) whenever its
    /// constructs allow, so no value can make it backtrack for hours: <c>^(a+)+$</c> answers at once. A pattern that needs
    /// backtracking (backreferences, lookarounds, atomic groups) runs under <see cref="PatternTimeout"/> instead, and a
    /// value that hits it is rejected with a message that says so.
    /// </summary>
    private static Regex CompilePattern(string pattern, bool forExecution)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, PatternTimeout);
        }
        catch (NotSupportedException)
        {
            var options = RegexOptions.CultureInvariant | (forExecution ? RegexOptions.Compiled : RegexOptions.None);
            return new Regex(pattern, options, PatternTimeout);
        }
    }

    /// <summary>
    /// Checks every field and, when they are all good, builds the rules. <paramref name="forExecution"/> adds
    /// RegexOptions.Compiled, which pays off per row but is wasted on a one-off <see cref="ColumnSettings.Validate"/>.
    /// </summary>
    internal static (ColumnRules? Rules, string? Error) Build(ColumnSettings s, bool forExecution)
    {
        if (string.IsNullOrWhiteSpace(s.Name))
        {
            return Fail("name must not be empty");
        }

        // No type means text, the type every value fits.
        ColumnType? parsedType = s.Type is null ? ColumnType.Text : ColumnValues.Parse(s.Type);
        if (parsedType is not { } type)
        {
            return Fail($"type '{s.Type}' is unknown; use one of {KnownTypeList}");
        }

        string typeName = s.Type ?? "text";

        if (s.Rename is not null)
        {
            if (string.IsNullOrWhiteSpace(s.Rename))
            {
                return Fail("rename must not be empty; leave it out to keep the name");
            }

            if (s.Rename[0] == '_')
            {
                return Fail($"rename '{s.Rename}' must not start with '_', which is reserved for system columns");
            }
        }

        CaseMode? parsedCase = s.Case switch
        {
            null => CaseMode.None,
            "upper" => CaseMode.Upper,
            "lower" => CaseMode.Lower,
            _ => null,
        };
        if (parsedCase is not { } casing)
        {
            return Fail($"case '{s.Case}' must be \"upper\" or \"lower\"");
        }

        if (s.MaxLength is < 1)
        {
            return Fail(string.Create(CultureInfo.InvariantCulture, $"maxLength must be at least 1, not {s.MaxLength}"));
        }

        Regex? regex = null;
        if (s.Pattern is not null)
        {
            if (s.Pattern.Length == 0)
            {
                return Fail("pattern must not be empty; leave it out to accept any value");
            }

            try
            {
                regex = CompilePattern(s.Pattern, forExecution);
            }
            catch (ArgumentException ex)
            {
                return Fail($"pattern '{s.Pattern}' is not a valid regular expression: {ex.Message}");
            }
        }

        HashSet<string>? allowed = null;
        string allowedList = "";
        if (s.Allowed is not null)
        {
            var error = BuildAllowed(s.Allowed, casing, out allowed, out allowedList);
            if (error is not null)
            {
                return Fail(error);
            }
        }

        string isoFormat = "";
        if (s.Format is not null)
        {
            var error = CheckFormat(s.Format, type, typeName, out isoFormat);
            if (error is not null)
            {
                return Fail(error);
            }
        }

        string? defaultText = null;
        if (s.Default is { } defaultElement && !IsJsonNull(defaultElement))
        {
            var error = DefaultToText(defaultElement, type, typeName, out defaultText);
            if (error is not null)
            {
                return Fail(error);
            }
        }

        var minError = ParseBound(s.Min, "min", type, typeName, out var minNumber, out var minDate, out var minText);
        if (minError is not null)
        {
            return Fail(minError);
        }

        var maxError = ParseBound(s.Max, "max", type, typeName, out var maxNumber, out var maxDate, out var maxText);
        if (maxError is not null)
        {
            return Fail(maxError);
        }

        if (minNumber > maxNumber || minDate > maxDate)
        {
            return Fail($"min {minText} is greater than max {maxText}");
        }

        var rules = new ColumnRules(s)
        {
            Type = type,
            TrimValue = s.Trim,
            DefaultText = defaultText,
            Casing = casing,
            DateFormat = s.Format,
            IsoFormat = isoFormat,
            IsRequired = s.Required,
            MaxLength = s.MaxLength ?? 0,
            PatternRegex = regex,
            AllowedSet = allowed,
            AllowedLookup = allowed is null ? default : allowed.GetAlternateLookup<ReadOnlySpan<char>>(),
            AllowedList = allowedList,
            Bounds = minNumber is not null || maxNumber is not null ? BoundKind.Number
                : minDate is not null || maxDate is not null ? BoundKind.Date
                : BoundKind.None,
            MinNumber = minNumber,
            MaxNumber = maxNumber,
            MinDate = minDate,
            MaxDate = maxDate,
            MinText = minText,
            MaxText = maxText,
        };

        if (defaultText is not null)
        {
            // A default that breaks the column's own rules would turn every null cell into a violation; say so up front.
            var result = rules.Apply(defaultText, isNull: false, new ValueBuffer(0));
            if (!result.IsValid)
            {
                return Fail($"default {Quote(defaultText)} breaks the column's own rules: {result.Violation}");
            }
        }

        return (rules, null);

        static (ColumnRules?, string?) Fail(string error) => (null, error);
    }

    private static bool IsNumeric(ColumnType type) => type is ColumnType.Integer or ColumnType.Decimal or ColumnType.Double;

    private static bool IsDate(ColumnType type) => type is ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz;

    // A JSON null (or an element never set) means "not given", same as the property being absent.
    private static bool IsJsonNull(JsonElement element) => element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    private static string? BuildAllowed(string[] values, CaseMode casing, out HashSet<string>? set, out string list)
    {
        set = null;
        list = "";
        if (values.Length == 0)
        {
            return "allowed must list at least one value; leave it out to accept any value";
        }

        var builder = new StringBuilder();
        var unique = new HashSet<string>(values.Length, StringComparer.Ordinal);
        for (int i = 0; i < values.Length; i++)
        {
            string? value = values[i];
            if (value is null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"allowed[{i}] is null; list only strings");
            }

            // Values are compared after the case transform, so an entry in the other case could never be matched.
            if ((casing == CaseMode.Upper && !string.Equals(value, value.ToUpperInvariant(), StringComparison.Ordinal))
                || (casing == CaseMode.Lower && !string.Equals(value, value.ToLowerInvariant(), StringComparison.Ordinal)))
            {
                return $"allowed value '{value}' can never match because case is {(casing == CaseMode.Upper ? "upper" : "lower")}";
            }

            if (unique.Add(value))
            {
                if (unique.Count <= MaxListedAllowed)
                {
                    builder.Append(unique.Count == 1 ? "" : ", ").Append(value);
                }
                else if (unique.Count == MaxListedAllowed + 1)
                {
                    builder.Append(", ...");
                }
            }
        }

        set = unique;
        list = builder.ToString();
        return null;
    }

    /// <summary>
    /// Rejects formats that cannot write a sample date and read it back with the same day (and hour, when the
    /// format has a time), and picks the ISO output format: date only unless the format has a time part,
    /// with the offset kept when the format carries one (z or K).
    /// </summary>
    private static string? CheckFormat(string format, ColumnType type, string typeName, out string isoFormat)
    {
        isoFormat = "";
        if (string.IsNullOrWhiteSpace(format))
        {
            return "format must not be empty; leave it out to keep values as they are";
        }

        if (type is not (ColumnType.Text or ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz))
        {
            return $"format only applies to text, date, timestamp and timestamptz columns, not {typeName}";
        }

        AnalyzeFormat(format, out bool hasTime, out bool hasOffset);

        // Year 1999, day 31 and 13:45 so that a missing year, a swapped or missing day, or 12-hour "hh" without "tt" all show.
        var sample = new DateTimeOffset(1999, 12, 31, 13, 45, 30, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        string written;
        try
        {
            written = sample.ToString(format, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            return $"format '{format}' is not a valid .NET date format (for example dd/MM/yyyy or MM/dd/yyyy HH:mm)";
        }

        if (!DateTimeOffset.TryParseExact(written, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var read))
        {
            return $"format '{format}' cannot read back the text it writes ('{written}' for 1999-12-31 13:45:30)";
        }

        if (read.Year != 1999 || read.Month != 12 || read.Day != 31)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"format '{format}' does not keep the whole date: 1999-12-31 is written as '{written}' and read back as {read:yyyy-MM-dd}; include the year, month and day");
        }

        if (hasTime && read.Hour != 13)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"format '{format}' loses the hour: 13:45 is written as '{written}' and read back as {read:HH:mm}; use HH, or hh with tt");
        }

        isoFormat = !hasTime ? "yyyy-MM-dd"
            : hasOffset ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"
            : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";
        return null;
    }

    /// <summary>Finds time (H h m s f F) and offset (z K) specifiers, skipping quoted and escaped literals.</summary>
    private static void AnalyzeFormat(string format, out bool hasTime, out bool hasOffset)
    {
        if (format.Length == 1)
        {
            // One char is a standard format: d, D (date), m, M (month/day), y, Y (year/month) carry no time.
            hasTime = !"dDmMyY".Contains(format[0], StringComparison.Ordinal);
            hasOffset = "oOrRu".Contains(format[0], StringComparison.Ordinal);
            return;
        }

        hasTime = false;
        hasOffset = false;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            switch (c)
            {
                case '\'' or '"':
                    int close = format.IndexOf(c, i + 1);
                    i = close < 0 ? format.Length : close;
                    break;
                case '\\':
                    i++;
                    break;
                case 'H' or 'h' or 'm' or 's' or 'f' or 'F':
                    hasTime = true;
                    break;
                case 'z' or 'K':
                    hasOffset = true;
                    break;
            }
        }
    }

    private static string? DefaultToText(JsonElement element, ColumnType type, string typeName, out string? text)
    {
        text = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                if (type == ColumnType.Boolean || IsDate(type))
                {
                    return $"default {element.GetRawText()} is a number but the column type is {typeName}";
                }

                if (element.TryGetDecimal(out decimal number))
                {
                    if (type == ColumnType.Integer && !decimal.IsInteger(number))
                    {
                        return $"default {element.GetRawText()} is not a whole number but the column type is integer";
                    }

                    text = number.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    text = element.GetDouble().ToString("R", CultureInfo.InvariantCulture);
                }

                return null;

            case JsonValueKind.True or JsonValueKind.False:
                if (IsNumeric(type) || IsDate(type))
                {
                    return $"default {element.GetRawText()} is a boolean but the column type is {typeName}";
                }

                text = element.ValueKind == JsonValueKind.True ? "true" : "false";
                return null;

            case JsonValueKind.String:
                text = element.GetString()!;
                if (IsNumeric(type) && !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    && !(type == ColumnType.Double && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    return $"default '{text}' is not a number but the column type is {typeName}";
                }

                return null;

            default:
                return $"default must be a number, string or boolean, not {element.ValueKind.ToString().ToUpperInvariant()}";
        }
    }

    private static string? ParseBound(
        JsonElement? bound, string field, ColumnType type, string typeName,
        out decimal? number, out DateTimeOffset? date, out string text)
    {
        number = null;
        date = null;
        text = "";
        if (bound is not { } element || IsJsonNull(element))
        {
            return null;
        }

        if (IsNumeric(type))
        {
            if (element.ValueKind == JsonValueKind.Number)
            {
                if (!element.TryGetDecimal(out decimal value))
                {
                    return $"{field} {element.GetRawText()} is outside the range a decimal can hold";
                }

                number = value;
            }
            else if (element.ValueKind == JsonValueKind.String
                && decimal.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal parsed))
            {
                number = parsed;
            }
            else
            {
                return $"{field} {element.GetRawText()} is not a number, which a {typeName} column needs";
            }

            text = number.Value.ToString(CultureInfo.InvariantCulture);
            return null;
        }

        if (IsDate(type))
        {
            if (element.ValueKind == JsonValueKind.String && TryParseIsoDate(element.GetString(), out var value))
            {
                date = value;
                text = element.GetString()!;
                return null;
            }

            return $"{field} {element.GetRawText()} is not an ISO 8601 date string (such as \"2024-01-31\" or \"2024-01-31T08:00:00Z\"), which a {typeName} column needs";
        }

        return $"{field} only applies to {BoundTypeList} columns, not {typeName}";
    }
}
