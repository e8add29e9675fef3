using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Query;

namespace Diviora.Core.Warehouse.SqlServer;

/// <summary>
/// Azure SQL and SQL Server (2017 or later): every column in its own type, tables in <c>dbo</c>, names in brackets.
/// Staging tables are session temp tables (<c>#stage_...</c>) holding integers and booleans typed and the other
/// values as their canonical ISO text, which the final statement converts with explicit ISO styles (126, 127), so
/// the result never depends on the session's language or date format.
/// </summary>
/// <remarks>
/// <para>
/// Text is <c>nvarchar(max)</c>: values of any length load, as in the other warehouses. SQL Server cannot index a
/// <c>max</c> column, so the key and each declared index first narrow their text columns to
/// <c>nvarchar(450)</c> (900 bytes, within every index key limit). From then on a longer value in such a column
/// fails its run with SQL Server's truncation error, naming the table and column, and nothing is loaded.
/// </para>
/// <para>
/// Decimals are <c>decimal(38, scale)</c> with the column's scale (10 when the catalog has none): every value is
/// read back with that scale (<c>1.5</c> in a scale-2 column reads <c>1.50</c>), and a value needs at most
/// 38 - scale digits before the point.
/// </para>
/// <para>
/// Text compares, sorts and matches keys under the database's collation (often case-insensitive); only
/// <see cref="TextMatch(Query.TextMatch, string, string)"/> is always case-sensitive.
/// </para>
/// </remarks>
public sealed class SqlServerDialect : TypedDialect, IWarehouseDialect
{
    /// <summary>The scale of a decimal column whose catalog entry has none.</summary>
    public const int DefaultScale = 10;

    /// <summary>The type a text column takes once it is part of the key or an index.</summary>
    public const string IndexedText = "nvarchar(450)";

    /// <summary>A binary collation: ordinal, case- and accent-sensitive, whatever the database's collation.</summary>
    private const string Ordinal = "Latin1_General_100_BIN2";

    private const string At = "CONVERT(datetimeoffset(7), @at, 127)";

    /// <inheritdoc />
    protected override string LoadTime => At;

    /// <inheritdoc />
    public override string Quote(string identifier) => "[" + SqlIdentifier.Checked(identifier) + "]";

    /// <inheritdoc />
    public override string Table(string table) => "[dbo]." + Quote(table);

    /// <summary>The session temp table a run stages into: <c>[#stage_...]</c>.</summary>
    public override string StagingTable(string staging) => "[#" + SqlIdentifier.Checked(staging) + "]";

    /// <inheritdoc />
    public string CreateTable(string table, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder()
            .Append("IF OBJECT_ID(").Append(TableLiteral(table)).Append(", N'U') IS NULL CREATE TABLE ").Append(Table(table)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" bigint IDENTITY(1,1) PRIMARY KEY, ")
            .Append(Quote(SystemColumns.RunId)).Append(" nvarchar(64) NOT NULL, ")
            .Append(Quote(SystemColumns.IngestedAt)).Append(" datetimeoffset(7) NOT NULL");
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(TypeOf(column));
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string? KeyNewTable(string table) => null;

    /// <inheritdoc />
    /// <remarks>
    /// Run without parameters, so it executes as a plain batch and the temp table lives as long as the session
    /// (one created inside <c>sp_executesql</c> would vanish with the call). Text columns take the database's
    /// collation, not tempdb's, so comparing them with the dataset's columns cannot conflict.
    /// </remarks>
    public string CreateStaging(string staging, IReadOnlyList<DatasetColumn> columns)
    {
        var sql = new StringBuilder().Append("CREATE TABLE ").Append(StagingTable(staging)).Append(" (")
            .Append(Quote(SystemColumns.RowId)).Append(" bigint NOT NULL PRIMARY KEY, ")
            .Append(Quote(SystemColumns.SourceRow)).Append(" bigint NOT NULL");
        foreach (var column in columns)
        {
            sql.Append(", ").Append(Quote(column.PhysicalName)).Append(' ').Append(StagedTypeOf(column.Type));
        }

        return sql.Append(')').ToString();
    }

    /// <inheritdoc />
    public string DeleteAll(string table) => $"DELETE FROM {Table(table)}";

    /// <inheritdoc />
    public string EnsureUniqueKey(string table, IReadOnlyList<DatasetColumn> key) =>
        CreateIndexIfMissing(table, SqlIdentifier.Checked(table + "__key"), key, "CREATE UNIQUE INDEX");

    /// <inheritdoc />
    /// <remarks>
    /// One <c>MERGE ... WITH (HOLDLOCK)</c> from the staged rows ranked per key, the last staged row first. SQL Server
    /// does not promise that a MERGE hands out identity values in the source's order, so the row ids of new keys
    /// follow the plan's order, which is not always staging order.
    /// </remarks>
    public string UpsertFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<DatasetColumn> key, int sourceRanks = 0)
    {
        var ranked = string.Concat(columns.Select(c => $"{Staged(c)} AS {Quote(c.PhysicalName)}, "));
        var source = $"SELECT {Names(columns)} FROM (SELECT {ranked}ROW_NUMBER() OVER (PARTITION BY {Staged(key)} " +
            $"ORDER BY s.{Quote(SystemColumns.RowId)} DESC) AS {Quote("_rank")} FROM {StagingTable(staging)} s) ranked WHERE {Quote("_rank")} = 1";
        var updates = string.Concat(columns.Where(c => !key.Contains(c)).Select(c => $"{Quote(c.PhysicalName)} = s.{Quote(c.PhysicalName)}, "));
        return $"MERGE INTO {Table(table)} WITH (HOLDLOCK) AS t USING ({source}) AS s " +
            $"ON {string.Join(" AND ", key.Select(k => $"t.{Quote(k.PhysicalName)} = s.{Quote(k.PhysicalName)}"))} " +
            $"WHEN MATCHED{(sourceRanks > 0 ? " AND " + SourceRank.Allows($"s.{Quote(SystemColumns.Source)}", $"t.{Quote(SystemColumns.Source)}", sourceRanks) : "")} THEN UPDATE SET {updates}{Quote(SystemColumns.RunId)} = @run, {Quote(SystemColumns.IngestedAt)} = {At} " +
            $"WHEN NOT MATCHED THEN INSERT ({Quote(SystemColumns.RunId)}, {Quote(SystemColumns.IngestedAt)}{Names(columns, leadingComma: true)}) " +
            $"VALUES (@run, {At}{string.Concat(columns.Select(c => $", s.{Quote(c.PhysicalName)}"))});";
    }

    /// <inheritdoc />
    public string CountRows(string table) => $"SELECT COUNT_BIG(*) FROM {Table(table)}";

    /// <inheritdoc />
    public string AddColumn(string table, DatasetColumn column) =>
        $"ALTER TABLE {Table(table)} ADD {Quote(column.PhysicalName)} {TypeOf(column)}";

    /// <inheritdoc />
    /// <remarks>
    /// SQL Server cannot change an indexed column, so the first statement drops the indexes over it; the key and the
    /// declared indexes are built again later in the same transaction. Numbers and dates convert in place with
    /// <c>ALTER COLUMN</c>; to text, booleans, doubles, dates and timestamps go through a new column filled with
    /// their canonical text (<c>true</c>, lossless 17-digit doubles, ISO 8601 with <c>T</c> and a trimmed
    /// fraction), which then takes the old column's name.
    /// </remarks>
    public IReadOnlyList<string> WidenColumn(string table, DatasetColumn column, ColumnType from)
    {
        if (from == column.Type && from != ColumnType.Decimal)
        {
            return [];
        }

        var name = Quote(column.PhysicalName);
        var conversion = column.Type == ColumnType.Text ? AsText(name, from) : null;
        if (conversion is null)
        {
            return [DropIndexesOn(table, column), $"ALTER TABLE {Table(table)} ALTER COLUMN {name} {TypeOf(column)} NULL"];
        }

        var widened = SqlIdentifier.Checked(column.PhysicalName + "__widened");
        return
        [
            DropIndexesOn(table, column),
            $"ALTER TABLE {Table(table)} ADD {Quote(widened)} {TypeOf(column)}",
            $"UPDATE {Table(table)} SET {Quote(widened)} = {conversion}",
            $"ALTER TABLE {Table(table)} DROP COLUMN {name}",
            $"EXEC sys.sp_rename N'{Table(table)}.{Quote(widened)}', {Literal(column.PhysicalName)}, N'COLUMN'",
        ];
    }

    /// <inheritdoc />
    /// <remarks>WidenColumn drops the indexes over the column itself.</remarks>
    public string? IndexesOnColumn => null;

    /// <inheritdoc />
    public string DropIndex(string table, string index) => $"DROP INDEX IF EXISTS {Quote(index)} ON {Table(table)}";

    /// <inheritdoc />
    public string DropStaging(string staging) => $"DROP TABLE IF EXISTS {StagingTable(staging)}";

    /// <inheritdoc />
    /// <remarks>An application lock owned by the transaction: released by its commit or rollback.</remarks>
    public string? LockDataset =>
        "DECLARE @resource nvarchar(255) = CONCAT(N'diviora-dataset-', @dataset), @result int; " +
        "EXEC @result = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1; " +
        "IF @result < 0 THROW 51000, N'The dataset lock was not granted.', 1;";

    /// <inheritdoc />
    public string Analyze(string table) => $"UPDATE STATISTICS {Table(table)}";

    /// <inheritdoc />
    public string CreateIndex(string table, string index, IReadOnlyList<DatasetColumn> columns) =>
        CreateIndexIfMissing(table, index, columns, "CREATE INDEX");

    /// <inheritdoc />
    public string Comparable(DatasetColumn column) => Quote(column.PhysicalName);

    /// <inheritdoc />
    /// <remarks>
    /// Dates and times travel as ISO text and are converted here: SqlClient would bind a <see cref="DateTime"/> as
    /// the old <c>datetime</c> type, rounded to 1/300 s.
    /// </remarks>
    public string ComparableParameter(ColumnType type, string parameter) =>
        type is ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz ? FromText(type, TypeOf(type), parameter) : parameter;

    /// <inheritdoc />
    public object ParameterValue(ColumnType type, object value) => value switch
    {
        DateOnly date => StoredText.Date(date),
        DateTime timestamp => StoredText.Timestamp(timestamp),
        DateTimeOffset instant => StoredText.TimestampTz(instant),
        _ => value,
    };

    /// <inheritdoc />
    /// <remarks>
    /// <c>LIKE</c> with an escaped pattern under a binary collation: case-sensitive and ordinal like the other
    /// warehouses, and unlike <c>=</c> or <c>LEN</c> it does not ignore trailing spaces of Unicode text.
    /// </remarks>
    public string TextMatch(TextMatch kind, string column, string parameter) => $"{column} COLLATE {Ordinal} LIKE {parameter} ESCAPE N'\\'";

    /// <inheritdoc />
    public object TextMatchValue(TextMatch kind, string value)
    {
        var escaped = new StringBuilder(value.Length + 2);
        foreach (var c in value)
        {
            escaped.Append(c is '\\' or '%' or '_' or '[' ? "\\" : "").Append(c);
        }

        return kind == Query.TextMatch.Contains ? "%" + escaped + "%" : escaped + "%";
    }

    /// <inheritdoc />
    /// <remarks>SQL Server already sorts nulls first ascending and last descending.</remarks>
    public string OrderTerm(string expression, bool descending) => expression + (descending ? " DESC" : " ASC");

    /// <inheritdoc />
    public string Page => "OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY";

    /// <inheritdoc />
    /// <remarks>Counts are <c>bigint</c>; averages are taken in <c>float</c>, since AVG of a bigint would truncate.</remarks>
    public string Measure(MeasureKind kind, string? expression) => kind switch
    {
        MeasureKind.Count => "COUNT_BIG(*)",
        MeasureKind.CountDistinct => $"COUNT_BIG(DISTINCT {expression})",
        MeasureKind.Avg => $"AVG(CAST({expression} AS float))",
        _ => QuerySql.StandardMeasure(kind, expression),
    };

    /// <inheritdoc />
    /// <remarks>Whole seconds: DATEDIFF_BIG counts the second boundaries crossed, and an offset is taken into account.</remarks>
    public string Numeric(DatasetColumn column) => column.Type switch
    {
        ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz => $"DATEDIFF_BIG(second, '1970-01-01', {Quote(column.PhysicalName)})",
        _ => Quote(column.PhysicalName),
    };

    /// <summary>The SQL Server type of a dataset column.</summary>
    public static string TypeOf(DatasetColumn column) => TypeOf(column.Type, column.Scale);

    /// <summary>The type a staging table holds a column in: integers and booleans typed, the rest as canonical text.</summary>
    public static string StagedTypeOf(ColumnType type) => type switch
    {
        ColumnType.Boolean => "bit",
        ColumnType.Integer => "bigint",
        _ => "nvarchar(max) COLLATE DATABASE_DEFAULT",
    };

    private static string TypeOf(ColumnType type, int? scale = null) => type switch
    {
        ColumnType.Boolean => "bit",
        ColumnType.Integer => "bigint",
        ColumnType.Decimal => $"decimal(38, {scale ?? DefaultScale})",
        ColumnType.Double => "float",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "datetime2(7)",
        ColumnType.TimestampTz => "datetimeoffset(7)",
        _ => "nvarchar(max)",
    };

    /// <summary>Canonical text (a staged value or a bound filter value) converted to <paramref name="sqlType"/>.</summary>
    private static string FromText(ColumnType type, string sqlType, string expression) => type switch
    {
        ColumnType.Date or ColumnType.Timestamp => $"CONVERT({sqlType}, {expression}, 126)",
        ColumnType.TimestampTz => $"CONVERT({sqlType}, {expression}, 127)",
        ColumnType.Decimal or ColumnType.Double => $"CAST({expression} AS {sqlType})",
        _ => expression,
    };

    /// <summary>
    /// A stored value of type <paramref name="from"/> as the canonical text the engine writes, or null where
    /// <c>ALTER COLUMN</c>'s own conversion already gives it (integers, decimals).
    /// </summary>
    private static string? AsText(string name, ColumnType from) => from switch
    {
        ColumnType.Boolean => $"CASE {name} WHEN 1 THEN N'true' WHEN 0 THEN N'false' END",
        ColumnType.Double => $"CONVERT(nvarchar(max), {name}, 3)",
        ColumnType.Date => $"CONVERT(nvarchar(10), {name}, 23)",
        ColumnType.Timestamp => IsoText(name),
        ColumnType.TimestampTz => $"{IsoText(name)} + DATENAME(tzoffset, {name})",
        _ => null,
    };

    /// <summary><c>yyyy-MM-ddTHH:mm:ss</c> and, when not zero, the fraction of a second without trailing zeros.</summary>
    private static string IsoText(string name) =>
        $"CONVERT(nvarchar(19), {name}, 126) + CASE WHEN DATEPART(nanosecond, {name}) = 0 THEN N'' ELSE N'.' + " +
        $"REPLACE(RTRIM(REPLACE(RIGHT(N'000000' + CONVERT(nvarchar(7), DATEPART(nanosecond, {name}) / 100), 7), N'0', N' ')), N' ', N'0') END";

    /// <summary>A batch that drops every index (but the primary key) that has <paramref name="column"/>.</summary>
    private string DropIndexesOn(string table, DatasetColumn column) =>
        $"DECLARE @drop nvarchar(max) = (SELECT STRING_AGG(CONVERT(nvarchar(max), N'DROP INDEX ' + QUOTENAME(i.name) + N' ON {Table(table)}'), N'; ') " +
        $"FROM sys.indexes i WHERE i.object_id = {ObjectId(table)} AND i.is_primary_key = 0 AND EXISTS (SELECT 1 FROM sys.index_columns c " +
        $"WHERE c.object_id = i.object_id AND c.index_id = i.index_id AND c.column_id = COLUMNPROPERTY(i.object_id, {Literal(column.PhysicalName)}, 'ColumnId'))); " +
        "IF @drop IS NOT NULL EXEC sys.sp_executesql @drop;";

    /// <summary>Narrows the text columns that are still <c>nvarchar(max)</c>, then creates the index unless it exists.</summary>
    private string CreateIndexIfMissing(string table, string index, IReadOnlyList<DatasetColumn> columns, string create)
    {
        var narrow = columns.Where(c => c.Type == ColumnType.Text).Select(c =>
            $"IF COLUMNPROPERTY({ObjectId(table)}, {Literal(c.PhysicalName)}, 'Precision') = -1 " +
            $"ALTER TABLE {Table(table)} ALTER COLUMN {Quote(c.PhysicalName)} {IndexedText} NULL; ").ToList();
        var statement = $"{create} {Quote(index)} ON {Table(table)} ({Names(columns)})";
        // After an ALTER COLUMN in the same batch, the index is compiled only when it runs (EXEC), so it sees the new
        // type. The statement holds bracketed checked names only, never a quote.
        return string.Concat(narrow) +
            $"IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = {ObjectId(table)} AND name = {Literal(index)}) " +
            (narrow.Count > 0 ? $"EXEC(N'{statement}')" : statement);
    }

    private string ObjectId(string table) => $"OBJECT_ID({TableLiteral(table)})";

    /// <summary>A bare name as a Unicode literal, for the catalog functions that take names as strings.</summary>
    private static string Literal(string identifier) => "N'" + SqlIdentifier.Checked(identifier) + "'";

    /// <summary>The table's two-part bracketed name as a Unicode literal (checked names hold no quote).</summary>
    private string TableLiteral(string table) => "N'" + Table(table) + "'";

    /// <summary>A staged column (alias <c>s</c>) converted to the dataset column's type.</summary>
    protected override string Staged(DatasetColumn column) => FromText(column.Type, TypeOf(column), $"s.{Quote(column.PhysicalName)}");

}
