using System.Globalization;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Query;

/// <summary>
/// Converts a literal of the filter language to its column type's .NET value, with exact ISO formats and the
/// invariant culture, so a value means the same on every server.
/// </summary>
internal static class QueryLiteral
{
    // A date alone is its midnight; no space for the T and no ±hh offset (see IsoForms); a missing offset means UTC.
    // The framework's format parser that read literals before also let "+2:00" and a point without digits
    // ("10:00:00.") through: neither is ISO 8601 nor in docs/query.md, so both are refused now.
    private const IsoForms TimestampForms = IsoForms.Date | IsoForms.Timestamp | IsoForms.OptionalSeconds;

    /// <summary>At most this many digits make a decimal literal, as for loaded values.</summary>
    private const int MaxDecimalDigits = 28;

    /// <summary>The value of <paramref name="token"/> for <paramref name="column"/>; throws when it is no value of that type.</summary>
    public static object Convert(TokenReader reader, QueryToken token, DatasetColumn column)
    {
        switch (token.Kind)
        {
            case TokenKind.Word when TokenReader.IsWord(token, "null"):
                throw reader.Error(token.Start, $"null is not a value to compare with; write {TokenReader.Spell(column.Name)} is null, or is not null");
            case TokenKind.Word when !TokenReader.IsWord(token, "true") && !TokenReader.IsWord(token, "false"):
            case TokenKind.QuotedName:
                throw reader.Error(
                    token.Start, $"expected a value, found {reader.Describe(token)}; text is written in single quotes ({Quote(token.Value)}) and names in double quotes");
            case TokenKind.Open or TokenKind.Close or TokenKind.Comma or TokenKind.End:
                throw reader.Expected("a value");
        }

        var text = token.Value;
        object? value = column.Type switch
        {
            ColumnType.Text => token.Kind == TokenKind.Text ? text : null,
            ColumnType.Boolean when token.Kind == TokenKind.Word => TokenReader.IsWord(token, "true"),
            ColumnType.Integer when token.Kind == TokenKind.Number && text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 =>
                long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? integer : throw OutOfRange(reader, token, column),
            ColumnType.Decimal when token.Kind == TokenKind.Number => Decimal(text) ?? throw OutOfRange(reader, token, column),
            ColumnType.Double when token.Kind == TokenKind.Number =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                    ? number
                    : throw OutOfRange(reader, token, column),
            ColumnType.Date when token.Kind is TokenKind.Temporal or TokenKind.Text =>
                IsoDateTimeText.TryParse(text, IsoForms.Date, out var date) ? date.Date : null,
            ColumnType.Timestamp when token.Kind is TokenKind.Temporal or TokenKind.Text =>
                IsoDateTimeText.TryParse(text, TimestampForms, out var timestamp) ? timestamp.ToDateTime() : null,
            ColumnType.TimestampTz when token.Kind is TokenKind.Temporal or TokenKind.Text =>
                IsoDateTimeText.TryParse(text, TimestampForms | IsoForms.TimestampTz, out var instant) ? instant.ToDateTimeOffset() : null,
            _ => null,
        };
        return value ?? throw reader.Error(
            token.Start, $"{TokenReader.TypeOf(column)}, so expected {Expected(column.Type, token)}, found {reader.Describe(token)}");
    }

    /// <summary>What a value of each type looks like, for a message.</summary>
    private static string Expected(ColumnType type, QueryToken token) => type switch
    {
        ColumnType.Text => $"text in single quotes ({Quote(token.Value)})",
        ColumnType.Boolean => "true or false",
        ColumnType.Integer => "a whole number without quotes (42)",
        ColumnType.Decimal or ColumnType.Double => "a number without quotes (12.5)",
        ColumnType.Date => "a date (2024-01-31)",
        ColumnType.Timestamp => "a date and time without offset (2024-01-31T10:00:00)",
        _ => "a date and time, with an offset or taken as UTC (2024-01-31T10:00:00+02:00)",
    };

    /// <summary>
    /// The decimal a number stands for, or null when <see cref="decimal"/> would round it: more than 28 digits,
    /// or more than 28 after the point once the exponent is applied.
    /// </summary>
    private static decimal? Decimal(string text)
    {
        var exponentAt = text.AsSpan().IndexOfAny('e', 'E');
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var exponent = 0;
        if (exponentAt >= 0 && !int.TryParse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return null;
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var fractionDigits = point < 0 ? 0 : mantissa.Length - point - 1;
        var significant = mantissa.Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).TrimStart('0').Length;
        if (significant > MaxDecimalDigits || (long)fractionDigits - exponent > MaxDecimalDigits)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static string Quote(string text) => $"'{QueryParser.Excerpt(text).Replace("'", "''", StringComparison.Ordinal)}'";

    private static QueryException OutOfRange(TokenReader reader, QueryToken token, DatasetColumn column) =>
        reader.Error(token.Start, column.Type == ColumnType.Integer
            ? $"{reader.Describe(token)} is out of range for integer column '{column.Name}', which holds {long.MinValue} to {long.MaxValue}"
            : $"{reader.Describe(token)} does not fit {ColumnValues.Name(column.Type)} column '{column.Name}': it is too large or has too many digits");
}
