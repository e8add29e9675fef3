using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Query;

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
    public string? KeyNewTable(string table) => null;

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
    /// Inserts one row into the dataset table: run id (<c>?1</c>) and load time (<c>?2</c>), then its values by position
    /// (<c>?3</c>, ...) in column order.
    /// </summary>
    public string InsertRow(string table, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("INSERT INTO main.").Append(Quote(table)).Append(" (")
            .Append(Quote(SystemColumns.RunId)).Append(", ").Append(Quote(SystemColumns.IngestedAt))
            .Append(columns.Count > 0 ? ", " : "").Append(Names(columns)).Append(") VALUES (?1, ?2");
        for (var i = 0; i < columns.Count; i++)
        {
            sql.Append(", ?").Append(i + 3);
        }

        return sql.Append(')').ToString();
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
    public string UpsertFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<DatasetColumn> key, int sourceRanks = 0)
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
            $"ORDER BY {Quote(SystemColumns.RowId)} ON CONFLICT ({keyNames}) DO UPDATE SET {updates}" +
            (sourceRanks > 0 ? $" WHERE {SourceRank.Allows($"excluded.{Quote(SystemColumns.Source)}", $"{Quote(table)}.{Quote(SystemColumns.Source)}", sourceRanks)}" : "");
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
    /// <remarks>SQLite cannot drop an indexed column, and widening replaces the column. Expression indexes (decimals)
    /// name no column in <c>pragma_index_info</c>, so the index's own SQL is searched for the quoted name.</remarks>
    public string? IndexesOnColumn =>
        "SELECT name FROM main.sqlite_master WHERE type = 'index' AND tbl_name = @table AND sql LIKE '%' || @column || '%'";

    /// <inheritdoc />
    public string DropIndex(string table, string index) => $"DROP INDEX IF EXISTS main.{Quote(index)}";

    /// <inheritdoc />
    public string DropStaging(string staging) => $"DROP TABLE IF EXISTS temp.{Quote(staging)}";

    /// <inheritdoc />
    public string? LockDataset => null;

    /// <inheritdoc />
    /// <remarks>Sampled (analysis_limit), so it stays quick on large tables.</remarks>
    public string Analyze(string table) => $"PRAGMA analysis_limit = 1000; ANALYZE main.{Quote(table)}";

    /// <inheritdoc />
    public string CreateIndex(string table, string index, IReadOnlyList<DatasetColumn> columns) =>
        $"CREATE INDEX IF NOT EXISTS main.{Quote(index)} ON {Quote(table)} ({string.Join(", ", columns.Select(Comparable))})";

    /// <inheritdoc />
    /// <remarks>
    /// Decimals and doubles are stored as text and compare as numbers; timestamps with an offset compare as instants.
    /// Declared indexes are built on the same expressions, so filters and orders on them use the index.
    /// </remarks>
    public string Comparable(DatasetColumn column) => column.Type switch
    {
        ColumnType.Decimal or ColumnType.Double => $"CAST({Quote(column.PhysicalName)} AS REAL)",
        ColumnType.TimestampTz => $"julianday({Quote(column.PhysicalName)})",
        _ => Quote(column.PhysicalName),
    };

    /// <inheritdoc />
    public string ComparableParameter(ColumnType type, string parameter) =>
        type == ColumnType.TimestampTz ? $"julianday({parameter})" : parameter;

    /// <inheritdoc />
    public object ParameterValue(ColumnType type, object value) => value switch
    {
        bool b => b ? 1L : 0L,
        decimal d => (double)d,
        DateOnly date => StoredText.Date(date),
        DateTime timestamp => StoredText.Timestamp(timestamp),
        DateTimeOffset instant => StoredText.TimestampTz(instant),
        _ => value,
    };

    /// <inheritdoc />
    public string TextMatch(TextMatch kind, string column, string parameter) => kind == Query.TextMatch.Contains
        ? $"instr({column}, {parameter}) > 0"
        : $"substr({column}, 1, length({parameter})) = {parameter}";

    /// <inheritdoc />
    public object TextMatchValue(TextMatch kind, string value) => value;

    /// <inheritdoc />
    public string OrderTerm(string expression, bool descending) => descending ? expression + " DESC" : expression;

    /// <inheritdoc />
    public string Page => "LIMIT @limit OFFSET @offset";

    /// <inheritdoc />
    public string Measure(MeasureKind kind, string? expression) => QuerySql.StandardMeasure(kind, expression);

    /// <inheritdoc />
    public string Table(string table) => "main." + Quote(table);

    /// <inheritdoc />
    /// <remarks>
    /// Dates and times are stored as canonical ISO text, which julianday reads (an offset included); the Julian day of
    /// 1970-01-01 is 2440587.5.
    /// </remarks>
    public string Numeric(DatasetColumn column) => column.Type switch
    {
        ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz => $"((julianday({Quote(column.PhysicalName)}) - 2440587.5) * 86400.0)",
        _ => Comparable(column),
    };

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
