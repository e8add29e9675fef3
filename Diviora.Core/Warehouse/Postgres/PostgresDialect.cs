using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Query;

namespace Diviora.Core.Warehouse.Postgres;

/// <summary>
/// PostgreSQL: every column in its own type (numeric, date, timestamp, timestamptz, ...). Staging tables hold
/// integers and booleans typed and the other values as their canonical text, which the final statement casts, so
/// the binary COPY into staging never parses a value twice.
/// </summary>
public sealed class PostgresDialect : TypedDialect, IWarehouseDialect
{
    /// <summary>PostgreSQL cuts identifiers at 63 bytes; longer ones are shortened here, uniquely, instead.</summary>
    private const int MaxIdentifierLength = 63;

    /// <inheritdoc />
    public override string Quote(string identifier)
    {
        SqlIdentifier.Checked(identifier);
        if (identifier.Length > MaxIdentifierLength)
        {
            var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(identifier));
            identifier = identifier[..50] + "_" + Convert.ToHexStringLower(hash, 0, 6);
        }

        return "\"" + identifier + "\"";
    }

    /// <inheritdoc />
    public string CreateTable(string table, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder()
            .Append("CREATE TABLE IF NOT EXISTS ").Append(Quote(table)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" bigint GENERATED ALWAYS AS IDENTITY, ")
            // A direct load sets the run once per transaction (SetRun) and the load time is the transaction's: COPY then
            // carries neither for every row.
            .Append(Quote(SystemColumns.RunId)).Append(" text NOT NULL DEFAULT current_setting('diviora.run_id'), ")
            .Append(Quote(SystemColumns.IngestedAt)).Append(" timestamptz NOT NULL DEFAULT transaction_timestamp()");
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(TypeOf(column.Type));
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string? KeyNewTable(string table) =>
        $"ALTER TABLE {Quote(table)} ADD CONSTRAINT {Quote(SqlIdentifier.Checked(table + "__pk"))} PRIMARY KEY ({Quote(SystemColumns.RowId)})";

    /// <summary>Names the run (<c>@run</c>) whose rows the current transaction loads: the default of <c>_run_id</c>.</summary>
    public static string SetRun => "SELECT set_config('diviora.run_id', @run, true)";

    /// <inheritdoc />
    public string CreateStaging(string staging, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("CREATE TEMP TABLE ").Append(Quote(staging)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" bigint NOT NULL, ")
            .Append(Quote(SystemColumns.SourceRow)).Append(" bigint NOT NULL");
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(StagedTypeOf(column.Type));
        }

        return sql.Append(')').ToString();
    }

    /// <summary>The binary COPY into a staging table: the columns in order, then the payload row number and the row id.</summary>
    public string CopyIntoStaging(string staging, IReadOnlyList<DatasetColumn> columns) =>
        $"COPY {Quote(staging)} ({string.Concat(columns.Select(c => Quote(c.PhysicalName) + ", "))}{Quote(SystemColumns.SourceRow)}, {Quote(SystemColumns.RowId)}) FROM STDIN (FORMAT BINARY)";

    /// <summary>The text-format COPY of a run's rows straight into a dataset table; run id and load time come from the defaults.</summary>
    public string CopyIntoTable(string table, IReadOnlyList<DatasetColumn> columns) =>
        $"COPY {Quote(table)} ({Names(columns)}) FROM STDIN";

    /// <inheritdoc />
    public string DeleteAll(string table) => $"DELETE FROM {Quote(table)}";

    /// <inheritdoc />
    public string EnsureUniqueKey(string table, IReadOnlyList<DatasetColumn> key) =>
        $"CREATE UNIQUE INDEX IF NOT EXISTS {Quote(SqlIdentifier.Checked(table + "__key"))} ON {Quote(table)} ({Names(key)})";

    /// <inheritdoc />
    public string UpsertFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<DatasetColumn> key, int sourceRanks = 0)
    {
        var updates = string.Join(", ", columns.Where(c => !key.Contains(c)).Select(c => $"{Quote(c.PhysicalName)} = EXCLUDED.{Quote(c.PhysicalName)}")
            .Append($"{Quote(SystemColumns.RunId)} = EXCLUDED.{Quote(SystemColumns.RunId)}")
            .Append($"{Quote(SystemColumns.IngestedAt)} = EXCLUDED.{Quote(SystemColumns.IngestedAt)}"));
        return $"INSERT INTO {Quote(table)} ({Quote(SystemColumns.RunId)}, {Quote(SystemColumns.IngestedAt)}{Names(columns, leadingComma: true)}) " +
            $"SELECT @run, CAST(@at AS timestamptz){Staged(columns, leadingComma: true)} FROM {Quote(staging)} s " +
            $"WHERE s.{Quote(SystemColumns.RowId)} IN (SELECT MAX(s.{Quote(SystemColumns.RowId)}) FROM {Quote(staging)} s GROUP BY {Staged(key)}) " +
            $"ORDER BY s.{Quote(SystemColumns.RowId)} ON CONFLICT ({Names(key)}) DO UPDATE SET {updates}" +
            (sourceRanks > 0 ? $" WHERE {SourceRank.Allows($"EXCLUDED.{Quote(SystemColumns.Source)}", $"{Quote(table)}.{Quote(SystemColumns.Source)}", sourceRanks)}" : "");
    }

    /// <inheritdoc />
    public string CountRows(string table) => $"SELECT COUNT(*) FROM {Quote(table)}";

    /// <inheritdoc />
    public string AddColumn(string table, DatasetColumn column) =>
        $"ALTER TABLE {Quote(table)} ADD COLUMN {Quote(column.PhysicalName)} {TypeOf(column.Type)}";

    /// <inheritdoc />
    public IReadOnlyList<string> WidenColumn(string table, DatasetColumn column, ColumnType from)
    {
        var name = Quote(column.PhysicalName);
        var conversion = column.Type == ColumnType.Text ? AsText(name, from) : $"CAST({name} AS {TypeOf(column.Type)})";
        return [$"ALTER TABLE {Quote(table)} ALTER COLUMN {name} TYPE {TypeOf(column.Type)} USING {conversion}"];
    }

    /// <inheritdoc />
    /// <remarks>ALTER COLUMN ... TYPE rebuilds the indexes over the column.</remarks>
    public string? IndexesOnColumn => null;

    /// <inheritdoc />
    public string DropIndex(string table, string index) => $"DROP INDEX IF EXISTS {Quote(index)}";

    /// <inheritdoc />
    public string DropStaging(string staging) => $"DROP TABLE IF EXISTS {Quote(staging)}";

    /// <inheritdoc />
    public string? LockDataset => "SELECT pg_advisory_xact_lock(@dataset)";

    /// <inheritdoc />
    public string Analyze(string table) => $"ANALYZE {Quote(table)}";

    /// <inheritdoc />
    /// <remarks>Nulls first, as queries order them, so the index serves both directions without a sort.</remarks>
    public string CreateIndex(string table, string index, IReadOnlyList<DatasetColumn> columns) =>
        $"CREATE INDEX IF NOT EXISTS {Quote(index)} ON {Quote(table)} ({string.Join(", ", columns.Select(c => Quote(c.PhysicalName) + " NULLS FIRST"))})";

    /// <inheritdoc />
    public string Comparable(DatasetColumn column) => Quote(column.PhysicalName);

    /// <inheritdoc />
    public string ComparableParameter(ColumnType type, string parameter) => parameter;

    /// <inheritdoc />
    public object ParameterValue(ColumnType type, object value) => value switch
    {
        // Npgsql binds a UTC DateTime as timestamptz and an unspecified one as timestamp.
        DateTimeOffset instant => instant.UtcDateTime,
        DateTime timestamp => DateTime.SpecifyKind(timestamp, DateTimeKind.Unspecified),
        _ => value,
    };

    /// <inheritdoc />
    public string TextMatch(TextMatch kind, string column, string parameter) => $"{column} LIKE {parameter} ESCAPE '\\'";

    /// <inheritdoc />
    public object TextMatchValue(TextMatch kind, string value)
    {
        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        return kind == Query.TextMatch.Contains ? "%" + escaped + "%" : escaped + "%";
    }

    /// <inheritdoc />
    public string OrderTerm(string expression, bool descending) => descending ? expression + " DESC NULLS LAST" : expression + " ASC NULLS FIRST";

    /// <inheritdoc />
    public string Page => "LIMIT @limit OFFSET @offset";

    /// <inheritdoc />
    public string Measure(MeasureKind kind, string? expression) => QuerySql.StandardMeasure(kind, expression);

    /// <inheritdoc />
    public override string Table(string table) => Quote(table);

    /// <inheritdoc />
    public string Numeric(DatasetColumn column) => column.Type switch
    {
        ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz => $"CAST(extract(epoch from {Quote(column.PhysicalName)}) AS double precision)",
        _ => Quote(column.PhysicalName),
    };

    /// <inheritdoc />
    public override string StagingTable(string staging) => Quote(staging);

    /// <inheritdoc />
    protected override string LoadTime => "CAST(@at AS timestamptz)";

    /// <summary>The PostgreSQL type of a dataset column.</summary>
    public static string TypeOf(ColumnType type) => type switch
    {
        ColumnType.Boolean => "boolean",
        ColumnType.Integer => "bigint",
        ColumnType.Decimal => "numeric",
        ColumnType.Double => "double precision",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamp",
        ColumnType.TimestampTz => "timestamptz",
        _ => "text",
    };

    /// <summary>The type a staging table holds a column in: integers and booleans typed, the rest as canonical text.</summary>
    public static string StagedTypeOf(ColumnType type) => type switch
    {
        ColumnType.Boolean => "boolean",
        ColumnType.Integer => "bigint",
        _ => "text",
    };

    /// <summary>A stored value of type <paramref name="from"/> as the canonical text SQLite would hold for it.</summary>
    private static string AsText(string name, ColumnType from) => from switch
    {
        ColumnType.Boolean => $"CASE WHEN {name} THEN 'true' ELSE 'false' END",
        ColumnType.Timestamp => $"replace(CAST({name} AS text), ' ', 'T')",
        ColumnType.TimestampTz => $"replace(CAST({name} AT TIME ZONE 'UTC' AS text), ' ', 'T') || '+00:00'",
        _ => $"CAST({name} AS text)",
    };

    /// <inheritdoc />
    protected override string Staged(DatasetColumn column) =>
        TypeOf(column.Type) == StagedTypeOf(column.Type) ? $"s.{Quote(column.PhysicalName)}" : $"CAST(s.{Quote(column.PhysicalName)} AS {TypeOf(column.Type)})";
}
