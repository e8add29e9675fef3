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
        return AppendDefinitions(sql, columns).Append(')').ToString();
    }

    /// <inheritdoc />
    public string CreateStaging(string staging, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("CREATE TEMP TABLE ").Append(Quote(staging)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" INTEGER PRIMARY KEY, ")
            .Append(Quote(SystemColumns.SourceRow)).Append(" INTEGER NOT NULL");
        return AppendDefinitions(sql, columns).Append(')').ToString();
    }

    /// <inheritdoc />
    public string AppendFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns)
    {
        var names = Names(columns);
        return $"INSERT INTO main.{Quote(table)} ({Quote(SystemColumns.RunId)}, {Quote(SystemColumns.IngestedAt)}, {names}) " +
            $"SELECT @run, @at, {names} FROM temp.{Quote(staging)} ORDER BY {Quote(SystemColumns.RowId)}";
    }

    /// <summary>
    /// Inserts one staged row, its values bound by position (<c>?1</c>, <c>?2</c>, ...) in column order, and its
    /// payload row number last.
    /// </summary>
    public string InsertStagingRow(string staging, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("INSERT INTO ").Append(Quote(staging)).Append(" (")
            .Append(Names(columns)).Append(columns.Count > 0 ? ", " : "").Append(Quote(SystemColumns.SourceRow)).Append(") VALUES (");
        for (var i = 0; i <= columns.Count; i++)
        {
            sql.Append(i == 0 ? "?" : ", ?").Append(i + 1);
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string SelectDuplicateKeys(string staging, string table, IReadOnlyList<DatasetColumn> key, bool tableExists)
    {
        var keyNames = Names(key);
        var sameKey = string.Join(" AND ", key.Select(k => $"t.{Quote(k.PhysicalName)} = s.{Quote(k.PhysicalName)}"));
        var inTable = tableExists ? $"EXISTS (SELECT 1 FROM main.{Quote(table)} t WHERE {sameKey}) OR " : "";
        return $"SELECT s.{Quote(SystemColumns.RowId)}, s.{Quote(SystemColumns.SourceRow)}, {Names(key, "s.")} " +
            $"FROM temp.{Quote(staging)} s WHERE {inTable}s.{Quote(SystemColumns.RowId)} NOT IN " +
            $"(SELECT MIN({Quote(SystemColumns.RowId)}) FROM temp.{Quote(staging)} GROUP BY {keyNames}) ORDER BY s.{Quote(SystemColumns.RowId)}";
    }

    /// <inheritdoc />
    public string DeleteStagedRow(string staging) => $"DELETE FROM temp.{Quote(staging)} WHERE {Quote(SystemColumns.RowId)} = @row";

    /// <inheritdoc />
    public string DeleteAll(string table) => $"DELETE FROM main.{Quote(table)}";

    /// <inheritdoc />
    public string EnsureUniqueKey(string table, IReadOnlyList<DatasetColumn> key) =>
        $"CREATE UNIQUE INDEX IF NOT EXISTS main.{Quote(SqlIdentifier.Checked(table + "__key"))} ON {Quote(table)} ({Names(key)})";

    /// <inheritdoc />
    public string UpsertFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<DatasetColumn> key)
    {
        var names = Names(columns);
        var keyNames = Names(key);
        var updates = string.Join(", ", columns.Where(c => !key.Contains(c)).Select(c => $"{Quote(c.PhysicalName)} = excluded.{Quote(c.PhysicalName)}")
            .Append($"{Quote(SystemColumns.RunId)} = excluded.{Quote(SystemColumns.RunId)}")
            .Append($"{Quote(SystemColumns.IngestedAt)} = excluded.{Quote(SystemColumns.IngestedAt)}"));
        // The WHERE clause also keeps SQLite from reading ON CONFLICT as part of the SELECT.
        return $"INSERT INTO main.{Quote(table)} ({Quote(SystemColumns.RunId)}, {Quote(SystemColumns.IngestedAt)}, {names}) " +
            $"SELECT @run, @at, {names} FROM temp.{Quote(staging)} " +
            $"WHERE {Quote(SystemColumns.RowId)} IN (SELECT MAX({Quote(SystemColumns.RowId)}) FROM temp.{Quote(staging)} GROUP BY {keyNames}) " +
            $"ORDER BY {Quote(SystemColumns.RowId)} ON CONFLICT ({keyNames}) DO UPDATE SET {updates}";
    }

    /// <inheritdoc />
    public string CountRows(string table) => $"SELECT COUNT(*) FROM main.{Quote(table)}";

    /// <inheritdoc />
    public string AddColumn(string table, DatasetColumn column) =>
        $"ALTER TABLE {Quote(table)} ADD COLUMN {Quote(column.PhysicalName)} {TypeOf(column.Type)}";

    /// <inheritdoc />
    public IReadOnlyList<string> WidenColumn(string table, DatasetColumn column, ColumnType from)
    {
        var name = Quote(column.PhysicalName);
        var conversion = (from, column.Type) switch
        {
            (ColumnType.Boolean, _) => $"CASE WHEN {name} IS NULL THEN NULL WHEN {name} <> 0 THEN 'true' ELSE 'false' END",
            (ColumnType.Integer, _) => $"CAST({name} AS TEXT)",
            (ColumnType.Date, ColumnType.Timestamp) => $"{name} || 'T00:00:00'",
            _ => null,
        };
        if (conversion is null)
        {
            // Text to text (decimal, date or timestamp to text): the stored values already read right.
            return [];
        }

        if (TypeOf(from) == TypeOf(column.Type))
        {
            return [$"UPDATE {Quote(table)} SET {name} = {conversion} WHERE {name} IS NOT NULL"];
        }

        // SQLite cannot change a column's affinity in place: copy into a new column, then swap names.
        var widened = Quote(SqlIdentifier.Checked(column.PhysicalName + "__widened"));
        return
        [
            $"ALTER TABLE {Quote(table)} ADD COLUMN {widened} {TypeOf(column.Type)}",
            $"UPDATE {Quote(table)} SET {widened} = {conversion}",
            $"ALTER TABLE {Quote(table)} DROP COLUMN {name}",
            $"ALTER TABLE {Quote(table)} RENAME COLUMN {widened} TO {name}",
        ];
    }

    /// <inheritdoc />
    public string SelectPage(string table, IReadOnlyList<DatasetColumn> columns)
    {
        var selected = columns.Count == 0 ? Quote(SystemColumns.RowId) : Names(columns);
        return $"SELECT {selected} FROM {Quote(table)} ORDER BY {Quote(SystemColumns.RowId)} LIMIT @limit OFFSET @offset";
    }

    /// <summary>The quoted physical names, comma-separated, each after <paramref name="prefix"/> (a table alias).</summary>
    private string Names(IEnumerable<DatasetColumn> columns, string prefix = "") =>
        string.Join(", ", columns.Select(c => prefix + Quote(c.PhysicalName)));

    private StringBuilder AppendDefinitions(StringBuilder sql, IReadOnlyList<DatasetColumn> columns)
    {
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(TypeOf(column.Type));
        }

        return sql;
    }

    private static string TypeOf(ColumnType type) => type is ColumnType.Integer or ColumnType.Boolean ? "INTEGER" : "TEXT";
}
