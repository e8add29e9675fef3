using Diviora.Web.Api;

namespace Diviora.Web.Explore;

/// <summary>One column's filter in the data grid: an operator and a value, written as a filter condition.</summary>
public sealed class ColumnFilter
{
    /// <summary>The operators offered for a column of a type, with their labels.</summary>
    public static IReadOnlyList<(string Operator, string Label)> OperatorsFor(ColumnSummary column)
    {
        List<(string, string)> operators = [("eq", "equals"), ("ne", "does not equal")];
        if (column.IsText)
        {
            operators.Add(("contains", "contains"));
            operators.Add(("startswith", "starts with"));
        }

        if (column.Type != "boolean")
        {
            operators.AddRange([("gt", "greater than"), ("ge", "at least"), ("lt", "less than"), ("le", "at most")]);
        }

        operators.Add(("null", "is empty"));
        operators.Add(("notnull", "is not empty"));
        return operators;
    }

    public string Operator { get; set; } = "eq";

    public string Value { get; set; } = "";

    /// <summary>True when the operator needs no value.</summary>
    public bool TakesNoValue => Operator is "null" or "notnull";

    /// <summary>The condition, or null when the filter is not set.</summary>
    public string? ToCondition(ColumnSummary column)
    {
        var name = FilterText.Name(column.Name);
        return Operator switch
        {
            "null" => $"{name} is null",
            "notnull" => $"{name} is not null",
            _ when Value.Length == 0 => null,
            _ => $"{name} {Operator} {FilterText.Literal(column, Value)}",
        };
    }
}
