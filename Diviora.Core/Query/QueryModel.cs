using Diviora.Core.Catalog;

namespace Diviora.Core.Query;

/// <summary>
/// A parsed <c>filter</c>: names are resolved to the dataset's columns and every literal is already converted to
/// its column's type, so a dialect only renders structure and binds values as parameters.
/// </summary>
public abstract record FilterExpression;

/// <summary><c>left and right</c>.</summary>
public sealed record AndExpression(FilterExpression Left, FilterExpression Right) : FilterExpression;

/// <summary><c>left or right</c>.</summary>
public sealed record OrExpression(FilterExpression Left, FilterExpression Right) : FilterExpression;

/// <summary><c>not operand</c>.</summary>
public sealed record NotExpression(FilterExpression Operand) : FilterExpression;

/// <summary>
/// <c>column op value</c>. <see cref="Value"/> is never null and has the column type's .NET form:
/// <see cref="string"/> (text), <see cref="bool"/>, <see cref="long"/> (integer), <see cref="decimal"/>,
/// <see cref="double"/>, <see cref="DateOnly"/> (date), <see cref="DateTime"/> (timestamp, kind unspecified) or
/// <see cref="DateTimeOffset"/> (timestamptz).
/// </summary>
public sealed record ComparisonExpression(DatasetColumn Column, ComparisonOperator Operator, object Value) : FilterExpression;

/// <summary><c>column in (v1, v2, ...)</c>; values typed as in <see cref="ComparisonExpression"/>.</summary>
public sealed record InExpression(DatasetColumn Column, IReadOnlyList<object> Values) : FilterExpression;

/// <summary><c>column is null</c> (<c>is not null</c> parses to <see cref="NotExpression"/> around it).</summary>
public sealed record IsNullExpression(DatasetColumn Column) : FilterExpression;

/// <summary><c>column contains 'x'</c> or <c>column startswith 'x'</c>: case-sensitive, text columns only.</summary>
public sealed record TextMatchExpression(DatasetColumn Column, TextMatch Kind, string Value) : FilterExpression;

/// <summary>The comparison operators of the filter language.</summary>
public enum ComparisonOperator
{
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// <summary>The text matches of the filter language.</summary>
public enum TextMatch
{
    Contains,
    StartsWith,
}

/// <summary>One <c>orderBy</c> term.</summary>
public sealed record OrderTerm(DatasetColumn Column, bool Descending);

/// <summary>The aggregate functions of <c>measures</c>.</summary>
public enum MeasureKind
{
    Count,
    Sum,
    Avg,
    Min,
    Max,
    CountDistinct,
}

/// <summary>
/// One measure: <c>count()</c> has no column; the others name one. <see cref="Name"/> is how it is written in the
/// answer, for example <c>sum(amount)</c>.
/// </summary>
public sealed record Measure(MeasureKind Kind, DatasetColumn? Column, string Name);

/// <summary>
/// A query a user wrote that cannot run: <see cref="Parameter"/> names the query parameter (<c>filter</c>,
/// <c>orderBy</c>, ...) and <see cref="Position"/> the zero-based character where the problem starts, or -1.
/// The message says what is wrong in words a user can act on.
/// </summary>
public sealed class QueryException(string parameter, int position, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;

    public int Position { get; } = position;
}
