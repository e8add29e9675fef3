using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Diviora.Api.GraphQl;

/// <summary>
/// <c>Date</c>: a calendar date written <c>yyyy-MM-dd</c>. Dataset queries answer dates as that text already, so it
/// goes out unchanged (a <see cref="DateOnly"/> is written the same way); as input it reads into a <see cref="DateOnly"/>.
/// </summary>
internal sealed class DateGraphType : ScalarGraphType
{
    private const string Format = "yyyy-MM-dd";

    public DateGraphType()
    {
        Name = "Date";
        Description = "A calendar date written yyyy-MM-dd (ISO 8601).";
    }

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        string text when IsDate(text) => text,
        DateOnly date => date.ToString(Format, CultureInfo.InvariantCulture),
        _ => ThrowSerializationError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        DateOnly date => date,
        string text when DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => date,
        _ => ThrowValueConversionError(value),
    };

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue text => ParseValue(text.Value.ToString()),
        _ => ThrowLiteralConversionError(value),
    };

    private static bool IsDate(string text) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
