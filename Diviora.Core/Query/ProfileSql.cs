using System.Globalization;
using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Query;

/// <summary>
/// The statements that profile one column, in one warehouse's SQL. Names come from the catalog, quoted by the
/// dialect; the few values (page size, bin edges) are parameters.
/// </summary>
public sealed class ProfileSql(IWarehouseDialect dialect)
{
    /// <summary>
    /// One row: rows, nulls, distinct values, the smallest and the largest stored value (both null for a boolean
    /// column) and, when <paramref name="numeric"/>, the smallest and largest <see cref="IWarehouseDialect.Numeric"/>.
    /// Binds <c>@offset</c> 0 and <c>@limit</c> 1 where a column's stored value does not order as itself.
    /// </summary>
    public string Stats(Dataset dataset, DatasetColumn column, bool numeric)
    {
        var name = dialect.Quote(column.PhysicalName);
        var comparable = dialect.Comparable(column);
        var sql = new StringBuilder("SELECT ")
            .Append(dialect.Measure(MeasureKind.Count, null)).Append(", ")
            .Append("SUM(CASE WHEN ").Append(name).Append(" IS NULL THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END), ")
            .Append(dialect.Measure(MeasureKind.CountDistinct, comparable)).Append(", ");
        if (column.Type == ColumnType.Boolean)
        {
            // Neither PostgreSQL nor SQL Server has MIN of a boolean; the top values say which of the two occur.
            sql.Append("NULL, NULL");
        }
        else if (comparable == name)
        {
            sql.Append("MIN(").Append(name).Append("), MAX(").Append(name).Append(')');
        }
        else
        {
            // Stored text that orders as a number (SQLite decimals): take the stored value of the first row in order,
            // which keeps its digits and scale, where MIN would answer the converted number.
            sql.Append(Extreme(dataset, column, descending: false)).Append(", ").Append(Extreme(dataset, column, descending: true));
        }

        if (numeric)
        {
            var number = dialect.Numeric(column);
            sql.Append(", MIN(").Append(number).Append("), MAX(").Append(number).Append(')');
        }

        return sql.Append(" FROM ").Append(dialect.Table(dataset.TableName)).ToString();
    }

    /// <summary>The most frequent non-null values with their counts, most frequent first, then by value; <c>@offset</c> and <c>@limit</c> page them.</summary>
    public string Top(Dataset dataset, DatasetColumn column)
    {
        var name = dialect.Quote(column.PhysicalName);
        var count = dialect.Measure(MeasureKind.Count, null);
        return $"SELECT {name}, {count} FROM {dialect.Table(dataset.TableName)} WHERE {name} IS NOT NULL GROUP BY {name} " +
            $"ORDER BY {count} DESC, {dialect.OrderTerm(dialect.Comparable(column), descending: false)} {dialect.Page}";
    }

    /// <summary>
    /// The bin of every non-null value and how many values each bin holds: bin <c>i</c> holds the values below
    /// parameter <c>@h{i+1}</c> that no earlier bin holds; the last of <paramref name="bins"/> bins holds the rest.
    /// </summary>
    public string Histogram(Dataset dataset, DatasetColumn column, int bins)
    {
        var name = dialect.Quote(column.PhysicalName);
        var number = dialect.Numeric(column);
        var bin = new StringBuilder("CASE");
        for (var i = 0; i < bins - 1; i++)
        {
            bin.Append(CultureInfo.InvariantCulture, $" WHEN {number} < @h{i + 1} THEN {i}");
        }

        bin.Append(CultureInfo.InvariantCulture, $" ELSE {bins - 1} END");
        var bucket = dialect.Quote("_bin");
        return $"SELECT h.{bucket}, {dialect.Measure(MeasureKind.Count, null)} FROM (SELECT {bin} AS {bucket} FROM {dialect.Table(dataset.TableName)} " +
            $"WHERE {name} IS NOT NULL) h GROUP BY h.{bucket}";
    }

    private string Extreme(Dataset dataset, DatasetColumn column, bool descending)
    {
        var name = dialect.Quote(column.PhysicalName);
        return $"(SELECT {name} FROM {dialect.Table(dataset.TableName)} WHERE {name} IS NOT NULL " +
            $"ORDER BY {dialect.OrderTerm(dialect.Comparable(column), descending)} {dialect.Page})";
    }
}
