using System.Text;
using Diviora.Core.Catalog;

namespace Diviora.Core.Warehouse.Sqlite;

/// <summary>
/// SQLite: integers and booleans as INTEGER, everything else as TEXT. Decimals are TEXT on purpose: SQLite's REAL
/// would round them and drop their scale.
/// </summary>
public sealed class SqliteDialect : IWarehouseDialect
{
    /// <inheritdoc />
    public string Quote(string identifier) => "\"" + SqlIdentifier.Checked(identifier) + "\"";

    /// <inheritdoc />
    public string CreateTable(string table, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder()
            .Append("CREATE TABLE IF NOT EXISTS ").Append(Quote(table)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" INTEGER PRIMARY KEY, ")
            .Append(Quote(SystemColumns.RunId)).Append(" TEXT NOT NULL, ")
            .Append(Quote(SystemColumns.IngestedAt)).Append(" TEXT NOT NULL");
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(TypeOf(column.Type));
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string CreateStaging(string staging, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("CREATE TEMP TABLE ").Append(Quote(staging)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" INTEGER PRIMARY KEY");
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(TypeOf(column.Type));
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string AppendFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns)
    {
        var names = new StringBuilder();
        foreach (var column in columns)
        {
            names.Append(", ").Append(Quote(column.PhysicalName));
        }

        return $"INSERT INTO main.{Quote(table)} ({Quote(SystemColumns.RunId)}, {Quote(SystemColumns.IngestedAt)}{names}) " +
            $"SELECT @run, @at{names} FROM temp.{Quote(staging)} ORDER BY {Quote(SystemColumns.RowId)}";
    }

    /// <summary>Inserts one staged row, its values bound by position (<c>?1</c>, <c>?2</c>, ...) in column order.</summary>
    public string InsertStagingRow(string staging, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("INSERT INTO ").Append(Quote(staging)).Append(" (");
        for (var i = 0; i < columns.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(Quote(columns[i].PhysicalName));
        }

        sql.Append(") VALUES (");
        for (var i = 0; i < columns.Count; i++)
        {
            sql.Append(i == 0 ? "?" : ", ?").Append(i + 1);
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string SelectPage(string table, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder("SELECT ");
        for (var i = 0; i < columns.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(Quote(columns[i].PhysicalName));
        }

        if (columns.Count == 0)
        {
            sql.Append(Quote(SystemColumns.RowId));
        }

        return sql.Append(" FROM ").Append(Quote(table))
            .Append(" ORDER BY ").Append(Quote(SystemColumns.RowId))
            .Append(" LIMIT @limit OFFSET @offset").ToString();
    }

    private static string TypeOf(ColumnType type) => type is ColumnType.Integer or ColumnType.Boolean ? "INTEGER" : "TEXT";
}
