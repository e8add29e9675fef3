using System.Data.Common;
using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Query;

/// <summary>
/// Renders parsed queries into one warehouse's SQL. Names come only from the catalog (physical names, checked and
/// quoted by the dialect) and every value becomes a parameter, so nothing a user typed is ever SQL text.
/// </summary>
public sealed class QuerySql(IWarehouseDialect dialect)
{
    private readonly List<object> _values = [];

    /// <summary>The standard SQL spelling of a measure over <paramref name="expression"/>.</summary>
    public static string StandardMeasure(MeasureKind kind, string? expression) => kind switch
    {
        MeasureKind.Count => "COUNT(*)",
        MeasureKind.Sum => $"SUM({expression})",
        MeasureKind.Avg => $"AVG({expression})",
        MeasureKind.Min => $"MIN({expression})",
        MeasureKind.Max => $"MAX({expression})",
        MeasureKind.CountDistinct => $"COUNT(DISTINCT {expression})",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Adds the values rendered so far to <paramref name="command"/> as <c>@q0</c>, <c>@q1</c>, ...</summary>
    public void Bind(DbCommand command)
    {
        for (var i = 0; i < _values.Count; i++)
        {
            command.AddParameter("@q" + i, _values[i]);
        }
    }

    /// <summary>
    /// A page of rows: the row id, the comparable value of each order term (for the next page's cursor), then the
    /// selected columns, filtered, ordered with the row id as the last tie-breaker, after <paramref name="after"/>.
    /// </summary>
    public string SelectRows(
        Dataset dataset, IReadOnlyList<DatasetColumn> select, FilterExpression? filter, IReadOnlyList<OrderTerm> order,
        KeysetPosition? after, bool paged)
    {
        var rowId = dialect.Quote(SystemColumns.RowId);
        var sql = new StringBuilder("SELECT ").Append(rowId);
        foreach (var term in order)
        {
            sql.Append(", ").Append(dialect.Comparable(term.Column));
        }

        foreach (var column in select)
        {
            sql.Append(", ").Append(dialect.Quote(column.PhysicalName));
        }

        sql.Append(" FROM ").Append(dialect.Table(dataset.TableName));
        var conditions = new List<string>(2);
        if (filter is not null)
        {
            conditions.Add(Render(filter));
        }

        if (after is not null)
        {
            conditions.Add(After(order, after));
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", conditions.Select(c => "(" + c + ")")));
        }

        sql.Append(" ORDER BY ");
        foreach (var term in order)
        {
            sql.Append(dialect.OrderTerm(dialect.Comparable(term.Column), term.Descending)).Append(", ");
        }

        sql.Append(dialect.OrderTerm(rowId, descending: false));
        if (paged)
        {
            sql.Append(' ').Append(dialect.Page);
        }

        return sql.ToString();
    }

    /// <summary>Counts the rows that pass <paramref name="filter"/>.</summary>
    public string CountRows(Dataset dataset, FilterExpression? filter) =>
        $"SELECT {dialect.Measure(MeasureKind.Count, null)} FROM {dialect.Table(dataset.TableName)}" + (filter is null ? "" : " WHERE " + Render(filter));

    /// <summary>
    /// Groups and measures: the group columns' stored values, then each measure, ordered by the groups (or, without
    /// groups, one row), at most <c>@limit</c> groups.
    /// </summary>
    public string Aggregate(Dataset dataset, IReadOnlyList<DatasetColumn> groupBy, IReadOnlyList<Measure> measures, FilterExpression? filter)
    {
        var groups = groupBy.Select(c => dialect.Quote(c.PhysicalName)).ToList();
        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", groups.Concat(measures.Select(MeasureSql)));
        sql.Append(" FROM ").Append(dialect.Table(dataset.TableName));
        if (filter is not null)
        {
            sql.Append(" WHERE ").Append(Render(filter));
        }

        if (groups.Count > 0)
        {
            sql.Append(" GROUP BY ").AppendJoin(", ", groups)
                .Append(" ORDER BY ").AppendJoin(", ", groupBy.Select(c => dialect.OrderTerm(dialect.Quote(c.PhysicalName), descending: false)))
                .Append(' ').Append(dialect.Page);
        }

        return sql.ToString();
    }

    private string MeasureSql(Measure measure)
    {
        if (measure.Column is not { } column)
        {
            return dialect.Measure(measure.Kind, null);
        }

        // Sums and averages need numbers; min, max and distinct counts work on the stored value, which keeps its type.
        var numeric = column.Type is ColumnType.Decimal or ColumnType.Double;
        var expression = numeric || measure.Kind is MeasureKind.Sum or MeasureKind.Avg ? dialect.Comparable(column) : dialect.Quote(column.PhysicalName);
        return dialect.Measure(measure.Kind, expression);
    }

    /// <summary>The condition of a filter, its values added as parameters.</summary>
    public string Render(FilterExpression filter) => filter switch
    {
        AndExpression and => $"({Render(and.Left)}) AND ({Render(and.Right)})",
        OrExpression or => $"({Render(or.Left)}) OR ({Render(or.Right)})",
        NotExpression not => NotOf(not.Operand),
        IsNullExpression isNull => $"{dialect.Quote(isNull.Column.PhysicalName)} IS NULL",
        ComparisonExpression comparison => Compare(comparison.Column, comparison.Operator, comparison.Value),
        InExpression inList => $"{dialect.Comparable(inList.Column)} IN ({string.Join(", ", inList.Values.Select(v => Value(inList.Column, v)))})",
        TextMatchExpression match => dialect.TextMatch(match.Kind, dialect.Quote(match.Column.PhysicalName), Parameter(dialect.TextMatchValue(match.Kind, match.Value))),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown filter expression."),
    };

    /// <summary>
    /// <c>not</c> in two-valued logic: a row whose column is null does not match <c>amount gt 5</c>, so it matches
    /// <c>not (amount gt 5)</c>, as users expect.
    /// </summary>
    private string NotOf(FilterExpression operand) => $"(CASE WHEN {Render(operand)} THEN 0 ELSE 1 END) = 1";

    private string Compare(DatasetColumn column, ComparisonOperator op, object value)
    {
        var left = dialect.Comparable(column);
        var right = Value(column, value);
        return op switch
        {
            ComparisonOperator.Eq => $"{left} = {right}",
            // ne keeps nulls: 'country ne DE' matches a row without a country.
            ComparisonOperator.Ne => $"({left} <> {right} OR {left} IS NULL)",
            ComparisonOperator.Gt => $"{left} > {right}",
            ComparisonOperator.Ge => $"{left} >= {right}",
            ComparisonOperator.Lt => $"{left} < {right}",
            ComparisonOperator.Le => $"{left} <= {right}",
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }

    private string Value(DatasetColumn column, object value) =>
        dialect.ComparableParameter(column.Type, Parameter(dialect.ParameterValue(column.Type, value)));

    private string Parameter(object value)
    {
        _values.Add(value);
        return "@q" + (_values.Count - 1);
    }

    /// <summary>
    /// The rows after a keyset position: greater on the first term, or equal on it and greater on the next, and so on,
    /// with nulls the smallest value and the row id the last term.
    /// </summary>
    private string After(IReadOnlyList<OrderTerm> order, KeysetPosition after)
    {
        var alternatives = new List<string>();
        var equalSoFar = new List<string>();
        for (var i = 0; i < order.Count; i++)
        {
            var column = order[i].Column;
            var expression = dialect.Comparable(column);
            var value = after.Values[i] is { } stored ? Instant(stored) : null;
            string? greater = (value, order[i].Descending) switch
            {
                (null, false) => $"{expression} IS NOT NULL",
                (null, true) => null,
                (_, false) => $"{expression} > {Value(column, value)}",
                (_, true) => column.Nullable ? $"({expression} < {Value(column, value)} OR {expression} IS NULL)" : $"{expression} < {Value(column, value)}",
            };
            if (greater is not null)
            {
                alternatives.Add(string.Join(" AND ", equalSoFar.Append(greater)));
            }

            equalSoFar.Add(value is null ? $"{expression} IS NULL" : $"{expression} = {Value(column, value)}");
        }

        alternatives.Add(string.Join(" AND ", equalSoFar.Append($"{dialect.Quote(SystemColumns.RowId)} > {Parameter(after.RowId)}")));
        var rest = string.Join(" OR ", alternatives.Select(a => "(" + a + ")"));
        return Bound(order, after) is { } bound ? $"{bound} AND ({rest})" : rest;
    }

    /// <summary>
    /// A plain range on the first order term that the exact condition implies: databases start an index scan from it,
    /// where the alternatives alone would make them read every row before the page.
    /// </summary>
    private string? Bound(IReadOnlyList<OrderTerm> order, KeysetPosition after)
    {
        if (order.Count == 0)
        {
            return null;
        }

        var column = order[0].Column;
        var expression = dialect.Comparable(column);
        return (after.Values[0], order[0].Descending) switch
        {
            (null, true) => $"{expression} IS NULL",
            (null, false) => null,
            ({ } value, false) => $"{expression} >= {Value(column, Instant(value))}",
            // Descending, nulls come after every value: only a column without nulls has an upper bound.
            ({ } value, true) => column.Nullable ? null : $"{expression} <= {Value(column, Instant(value))}",
        };
    }

    /// <summary>A UTC DateTime read back is an instant: bound as one, as the filter binds a timestamptz value.</summary>
    private static object Instant(object value) => value is DateTime { Kind: DateTimeKind.Utc } instant ? new DateTimeOffset(instant) : value;
}

/// <summary>Where a keyset page starts: just after the row with these order values (as stored) and this row id.</summary>
public sealed record KeysetPosition(IReadOnlyList<object?> Values, long RowId);
