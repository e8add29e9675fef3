using System.Data.Common;
using Diviora.Core.Catalog;
using Diviora.Core.Query;
using Diviora.Core.Warehouse;
using Diviora.Core.Warehouse.SqlServer;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Tests.Warehouse;

[Trait("Category", "Unit")]
public sealed class SqlServerDialectTests
{
    private const string AzureSql = "Server=tcp:x.database.windows.net,1433;Initial Catalog=diviora;Authentication=Active Directory Default;";

    private readonly SqlServerDialect _dialect = new();
    private readonly DatasetColumn _id = Column("id", ColumnType.Integer);
    private readonly DatasetColumn _amount = Column("amount", ColumnType.Decimal, scale: 2);

    [Theory]
    [InlineData("a]; drop")]
    [InlineData("x y")]
    [InlineData("Ä")]
    [InlineData("Upper")]
    [InlineData("")]
    public void Refuses_identifiers_outside_the_strict_pattern(string identifier)
    {
        Assert.Throws<ArgumentException>(() => _dialect.Quote(identifier));
        Assert.Throws<ArgumentException>(() => _dialect.Table(identifier));
        Assert.Throws<ArgumentException>(() => _dialect.StagingTable(identifier));
    }

    [Fact]
    public void Quotes_with_brackets_and_names_tables_in_dbo()
    {
        Assert.Equal("[ds_sales-2024]", _dialect.Quote("ds_sales-2024"));
        Assert.Equal("[dbo].[ds_sales-2024]", _dialect.Table("ds_sales-2024"));
    }

    [Fact]
    public void Creates_a_table_of_every_type_once_behind_an_object_id_guard()
    {
        var sql = _dialect.CreateTable("ds_x",
        [
            Column("t", ColumnType.Text), Column("b", ColumnType.Boolean), Column("i", ColumnType.Integer), Column("d", ColumnType.Decimal, scale: 2),
            Column("e", ColumnType.Decimal), Column("f", ColumnType.Double), Column("dt", ColumnType.Date), Column("ts", ColumnType.Timestamp),
            Column("tz", ColumnType.TimestampTz),
        ]);

        Assert.Equal(
            "IF OBJECT_ID(N'[dbo].[ds_x]', N'U') IS NULL CREATE TABLE [dbo].[ds_x] ([_row_id] bigint IDENTITY(1,1) PRIMARY KEY, " +
            "[_run_id] nvarchar(64) NOT NULL, [_ingested_at] datetimeoffset(7) NOT NULL, [t] nvarchar(max), [b] bit, [i] bigint, " +
            "[d] decimal(38, 2), [e] decimal(38, 10), [f] float, [dt] date, [ts] datetime2(7), [tz] datetimeoffset(7))",
            sql);
    }

    [Fact]
    public void Stages_into_a_session_temp_table_with_integers_and_booleans_typed_and_text_in_the_database_collation()
    {
        var sql = _dialect.CreateStaging("stage_0a1b", [_id, Column("ok", ColumnType.Boolean), _amount, Column("at", ColumnType.Timestamp)]);

        Assert.Equal(
            "CREATE TABLE [#stage_0a1b] ([_row_id] bigint NOT NULL PRIMARY KEY, [_source_row] bigint NOT NULL, [id] bigint, [ok] bit, " +
            "[amount] nvarchar(max) COLLATE DATABASE_DEFAULT, [at] nvarchar(max) COLLATE DATABASE_DEFAULT)",
            sql);
        Assert.Equal("DROP TABLE IF EXISTS [#stage_0a1b]", _dialect.DropStaging("stage_0a1b"));
        Assert.Equal("DELETE FROM [#stage_0a1b] WHERE [_row_id] = @row", _dialect.DeleteStagedRow("stage_0a1b"));
    }

    [Fact]
    public void Appends_staged_rows_in_order_with_the_run_and_its_time()
    {
        var sql = _dialect.AppendFromStaging("stage_1", "ds_x", [_id, _amount]);

        Assert.Equal(
            "INSERT INTO [dbo].[ds_x] ([_run_id], [_ingested_at], [id], [amount]) " +
            "SELECT @run, CONVERT(datetimeoffset(7), @at, 127), s.[id], CAST(s.[amount] AS decimal(38, 2)) FROM [#stage_1] s ORDER BY s.[_row_id]",
            sql);
    }

    [Theory]
    [InlineData(ColumnType.Text, "s.[c]")]
    [InlineData(ColumnType.Boolean, "s.[c]")]
    [InlineData(ColumnType.Integer, "s.[c]")]
    [InlineData(ColumnType.Decimal, "CAST(s.[c] AS decimal(38, 10))")]
    [InlineData(ColumnType.Double, "CAST(s.[c] AS float)")]
    [InlineData(ColumnType.Date, "CONVERT(date, s.[c], 126)")]
    [InlineData(ColumnType.Timestamp, "CONVERT(datetime2(7), s.[c], 126)")]
    [InlineData(ColumnType.TimestampTz, "CONVERT(datetimeoffset(7), s.[c], 127)")]
    public void Converts_staged_text_with_explicit_iso_styles(ColumnType type, string expected)
    {
        var sql = _dialect.AppendFromStaging("stage_1", "ds_x", [Column("c", type)]);

        Assert.EndsWith($"SELECT @run, CONVERT(datetimeoffset(7), @at, 127), {expected} FROM [#stage_1] s ORDER BY s.[_row_id]", sql);
    }

    [Fact]
    public void Merges_the_last_staged_row_of_each_key_under_a_range_lock()
    {
        var sql = _dialect.UpsertFromStaging("stage_1", "ds_x", [_id, _amount], [_id]);

        Assert.Equal(
            "MERGE INTO [dbo].[ds_x] WITH (HOLDLOCK) AS t USING (SELECT [id], [amount] FROM (SELECT s.[id] AS [id], " +
            "CAST(s.[amount] AS decimal(38, 2)) AS [amount], ROW_NUMBER() OVER (PARTITION BY s.[id] ORDER BY s.[_row_id] DESC) AS [_rank] " +
            "FROM [#stage_1] s) ranked WHERE [_rank] = 1) AS s ON t.[id] = s.[id] " +
            "WHEN MATCHED THEN UPDATE SET [amount] = s.[amount], [_run_id] = @run, [_ingested_at] = CONVERT(datetimeoffset(7), @at, 127) " +
            "WHEN NOT MATCHED THEN INSERT ([_run_id], [_ingested_at], [id], [amount]) VALUES (@run, CONVERT(datetimeoffset(7), @at, 127), s.[id], s.[amount]);",
            sql);
    }

    [Fact]
    public void Merges_on_a_composite_key_converted_like_the_stored_columns()
    {
        var sql = _dialect.UpsertFromStaging("stage_1", "ds_x", [_id, _amount], [_id, _amount]);

        Assert.Contains("ROW_NUMBER() OVER (PARTITION BY s.[id], CAST(s.[amount] AS decimal(38, 2)) ORDER BY s.[_row_id] DESC)", sql);
        Assert.Contains(" ON t.[id] = s.[id] AND t.[amount] = s.[amount] WHEN MATCHED THEN UPDATE SET [_run_id] = @run, ", sql);
    }

    [Fact]
    public void Selects_staged_rows_whose_key_is_loaded_or_staged_earlier()
    {
        Assert.Equal(
            "SELECT s.[_row_id], s.[_source_row], CAST(s.[amount] AS decimal(38, 2)) FROM [#stage_1] s " +
            "WHERE EXISTS (SELECT 1 FROM [dbo].[ds_x] t WHERE t.[amount] = CAST(s.[amount] AS decimal(38, 2))) OR s.[_row_id] NOT IN " +
            "(SELECT MIN(s.[_row_id]) FROM [#stage_1] s GROUP BY CAST(s.[amount] AS decimal(38, 2))) ORDER BY s.[_row_id]",
            _dialect.SelectDuplicateKeys("stage_1", "ds_x", [_amount], tableExists: true));
        Assert.Equal(
            "SELECT s.[_row_id], s.[_source_row], s.[id] FROM [#stage_1] s WHERE s.[_row_id] NOT IN " +
            "(SELECT MIN(s.[_row_id]) FROM [#stage_1] s GROUP BY s.[id]) ORDER BY s.[_row_id]",
            _dialect.SelectDuplicateKeys("stage_1", "ds_x", [_id], tableExists: false));
    }

    [Fact]
    public void Makes_the_key_unique_once_narrowing_text_key_columns_first()
    {
        Assert.Equal(
            "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'[dbo].[ds_x]') AND name = N'ds_x__key') " +
            "CREATE UNIQUE INDEX [ds_x__key] ON [dbo].[ds_x] ([id])",
            _dialect.EnsureUniqueKey("ds_x", [_id]));
        Assert.Equal(
            "IF COLUMNPROPERTY(OBJECT_ID(N'[dbo].[ds_x]'), N'code', 'Precision') = -1 ALTER TABLE [dbo].[ds_x] ALTER COLUMN [code] nvarchar(450) NULL; " +
            "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'[dbo].[ds_x]') AND name = N'ds_x__key') " +
            "EXEC(N'CREATE UNIQUE INDEX [ds_x__key] ON [dbo].[ds_x] ([code], [id])')",
            _dialect.EnsureUniqueKey("ds_x", [Column("code", ColumnType.Text), _id]));
    }

    [Fact]
    public void Creates_declared_indexes_once()
    {
        Assert.Equal(
            "IF COLUMNPROPERTY(OBJECT_ID(N'[dbo].[ds_x]'), N'country', 'Precision') = -1 ALTER TABLE [dbo].[ds_x] ALTER COLUMN [country] nvarchar(450) NULL; " +
            "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'[dbo].[ds_x]') AND name = N'ds_x__ix_0a1b2c') " +
            "EXEC(N'CREATE INDEX [ds_x__ix_0a1b2c] ON [dbo].[ds_x] ([country], [amount])')",
            _dialect.CreateIndex("ds_x", "ds_x__ix_0a1b2c", [Column("country", ColumnType.Text), _amount]));
    }

    [Fact]
    public void Counts_deletes_and_adds_columns()
    {
        Assert.Equal("SELECT COUNT_BIG(*) FROM [dbo].[ds_x]", _dialect.CountRows("ds_x"));
        Assert.Equal("DELETE FROM [dbo].[ds_x]", _dialect.DeleteAll("ds_x"));
        Assert.Equal("ALTER TABLE [dbo].[ds_x] ADD [amount] decimal(38, 2)", _dialect.AddColumn("ds_x", _amount));
    }

    [Theory]
    [InlineData(ColumnType.Integer, ColumnType.Decimal, "decimal(38, 10)")]
    [InlineData(ColumnType.Decimal, ColumnType.Decimal, "decimal(38, 10)")]
    [InlineData(ColumnType.Integer, ColumnType.Double, "float")]
    [InlineData(ColumnType.Decimal, ColumnType.Double, "float")]
    [InlineData(ColumnType.Date, ColumnType.Timestamp, "datetime2(7)")]
    [InlineData(ColumnType.Integer, ColumnType.Text, "nvarchar(max)")]
    [InlineData(ColumnType.Decimal, ColumnType.Text, "nvarchar(max)")]
    public void Widens_numbers_and_dates_in_place_after_dropping_the_indexes_over_the_column(ColumnType from, ColumnType to, string type)
    {
        var statements = _dialect.WidenColumn("ds_x", Column("c", to), from);

        Assert.Equal([DropIndexes, $"ALTER TABLE [dbo].[ds_x] ALTER COLUMN [c] {type} NULL"], statements);
    }

    [Theory]
    [InlineData(ColumnType.Boolean, "CASE [c] WHEN 1 THEN N'true' WHEN 0 THEN N'false' END")]
    [InlineData(ColumnType.Double, "CONVERT(nvarchar(max), [c], 3)")]
    [InlineData(ColumnType.Date, "CONVERT(nvarchar(10), [c], 23)")]
    [InlineData(ColumnType.Timestamp, IsoText)]
    [InlineData(ColumnType.TimestampTz, IsoText + " + DATENAME(tzoffset, [c])")]
    public void Widens_to_canonical_text_through_a_new_column(ColumnType from, string conversion)
    {
        var statements = _dialect.WidenColumn("ds_x", Column("c", ColumnType.Text), from);

        Assert.Equal(
        [
            DropIndexes,
            "ALTER TABLE [dbo].[ds_x] ADD [c__widened] nvarchar(max)",
            $"UPDATE [dbo].[ds_x] SET [c__widened] = {conversion}",
            "ALTER TABLE [dbo].[ds_x] DROP COLUMN [c]",
            "EXEC sys.sp_rename N'[dbo].[ds_x].[c__widened]', N'c', N'COLUMN'",
        ], statements);
    }

    [Fact]
    public void Widening_text_to_text_changes_nothing()
    {
        Assert.Empty(_dialect.WidenColumn("ds_x", Column("c", ColumnType.Text), ColumnType.Text));
    }

    [Fact]
    public void Serialises_final_transactions_per_dataset_with_a_transaction_owned_application_lock()
    {
        Assert.Equal(
            "DECLARE @resource nvarchar(255) = CONCAT(N'diviora-dataset-', @dataset), @result int; " +
            "EXEC @result = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1; " +
            "IF @result < 0 THROW 51000, N'The dataset lock was not granted.', 1;",
            _dialect.LockDataset);
    }

    [Fact]
    public void Pages_orders_and_measures_in_t_sql()
    {
        Assert.Equal("OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY", _dialect.Page);
        Assert.Equal("[c] ASC", _dialect.OrderTerm("[c]", descending: false));
        Assert.Equal("[c] DESC", _dialect.OrderTerm("[c]", descending: true));
        Assert.Equal("COUNT_BIG(*)", _dialect.Measure(MeasureKind.Count, null));
        Assert.Equal("COUNT_BIG(DISTINCT [c])", _dialect.Measure(MeasureKind.CountDistinct, "[c]"));
        Assert.Equal("AVG(CAST([c] AS float))", _dialect.Measure(MeasureKind.Avg, "[c]"));
        Assert.Equal("SUM([c])", _dialect.Measure(MeasureKind.Sum, "[c]"));
        Assert.Equal("MIN([c])", _dialect.Measure(MeasureKind.Min, "[c]"));
        Assert.Equal("MAX([c])", _dialect.Measure(MeasureKind.Max, "[c]"));
    }

    [Fact]
    public void Matches_text_case_sensitively_with_an_escaped_like_pattern()
    {
        Assert.Equal("[c] COLLATE Latin1_General_100_BIN2 LIKE @q0 ESCAPE N'\\'", _dialect.TextMatch(TextMatch.Contains, "[c]", "@q0"));
        Assert.Equal("%50\\%\\_off \\[a]\\\\b%", _dialect.TextMatchValue(TextMatch.Contains, "50%_off [a]\\b"));
        Assert.Equal("ab %", _dialect.TextMatchValue(TextMatch.StartsWith, "ab "));
    }

    [Fact]
    public void Binds_dates_and_times_as_iso_text_converted_in_sql()
    {
        Assert.Equal("2024-01-02", _dialect.ParameterValue(ColumnType.Date, new DateOnly(2024, 1, 2)));
        Assert.Equal("2024-01-02T03:04:05.1234567", _dialect.ParameterValue(ColumnType.Timestamp, new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(1234567)));
        Assert.Equal("2024-01-02T03:04:05+02:00", _dialect.ParameterValue(ColumnType.TimestampTz, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))));
        Assert.Equal(5L, _dialect.ParameterValue(ColumnType.Integer, 5L));
        Assert.Equal("CONVERT(date, @q0, 126)", _dialect.ComparableParameter(ColumnType.Date, "@q0"));
        Assert.Equal("CONVERT(datetime2(7), @q0, 126)", _dialect.ComparableParameter(ColumnType.Timestamp, "@q0"));
        Assert.Equal("CONVERT(datetimeoffset(7), @q0, 127)", _dialect.ComparableParameter(ColumnType.TimestampTz, "@q0"));
        Assert.Equal("@q0", _dialect.ComparableParameter(ColumnType.Decimal, "@q0"));
    }

    [Fact]
    public void Renders_a_keyset_page_through_the_query_hooks()
    {
        var at = Column("at", ColumnType.Timestamp);
        var dataset = new Dataset { Name = "Sales", NormalizedName = "sales", TableName = "ds_sales", Columns = [_id, at] };
        var sql = new QuerySql(_dialect);

        var text = sql.SelectRows(dataset, [_id], new ComparisonExpression(at, ComparisonOperator.Ge, new DateTime(2024, 1, 2)), [new OrderTerm(at, true)], after: null, paged: true);

        Assert.Equal(
            "SELECT [_row_id], [at], [id] FROM [dbo].[ds_sales] WHERE ([at] >= CONVERT(datetime2(7), @q0, 126)) " +
            "ORDER BY [at] DESC, [_row_id] ASC OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY",
            text);
    }

    [Fact]
    public void Puts_only_checked_physical_names_into_sql_never_what_a_user_wrote()
    {
        var user = new DatasetColumn { Name = "Robert'); DROP TABLE x;--", PhysicalName = "robert", Type = ColumnType.Text };
        string[] statements =
        [
            _dialect.CreateTable("ds_x", [user]), _dialect.CreateStaging("stage_1", [user]), _dialect.AppendFromStaging("stage_1", "ds_x", [user]),
            _dialect.UpsertFromStaging("stage_1", "ds_x", [user], [user]), _dialect.SelectDuplicateKeys("stage_1", "ds_x", [user], tableExists: true),
            _dialect.EnsureUniqueKey("ds_x", [user]), _dialect.CreateIndex("ds_x", "ds_x__ix", [user]), _dialect.AddColumn("ds_x", user),
            .. _dialect.WidenColumn("ds_x", user, ColumnType.Boolean),
        ];

        Assert.All(statements, sql => Assert.DoesNotContain("Robert", sql, StringComparison.Ordinal));

        var forged = new DatasetColumn { Name = "x", PhysicalName = "x'] ; DROP TABLE y;--", Type = ColumnType.Text };
        Assert.Throws<ArgumentException>(() => _dialect.CreateTable("ds_x", [forged]));
        Assert.Throws<ArgumentException>(() => _dialect.EnsureUniqueKey("ds_x", [forged]));
        Assert.Throws<ArgumentException>(() => _dialect.WidenColumn("ds_x", forged, ColumnType.Boolean));
        Assert.Throws<ArgumentException>(() => _dialect.CreateTable("ds_x'; --", [user]));
    }

    [Fact]
    public void An_azure_sql_connection_string_with_entra_id_makes_a_sql_server_warehouse_without_connecting()
    {
        var warehouse = Warehouses.FromConnectionString(AzureSql);

        Assert.IsType<SqlServerWarehouse>(warehouse);
        Assert.IsType<SqlServerDialect>(warehouse.Dialect);
        using var catalog = warehouse.CreateCatalog();
        Assert.Equal("Microsoft.EntityFrameworkCore.SqlServer", catalog.Database.ProviderName);
        Assert.Contains("Authentication=ActiveDirectoryDefault", catalog.Database.GetConnectionString()!.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(catalog.Database.GetMigrations(), m => m.EndsWith("_InitialCatalog", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(AzureSql, WarehouseKind.SqlServer)]
    [InlineData("Server=localhost;Database=d;Trusted_Connection=True", WarehouseKind.SqlServer)]
    [InlineData("Host=localhost;Database=d;Username=u", WarehouseKind.Postgres)]
    [InlineData("Data Source=x.db", WarehouseKind.Sqlite)]
    public void Tells_the_warehouse_kind_from_the_connection_string(string connectionString, WarehouseKind kind)
    {
        Assert.Equal(kind, Warehouses.KindOf(connectionString));
    }

    [Fact]
    public void A_staging_batch_reads_back_its_rows_typed_with_source_row_and_row_id_last()
    {
        var batch = new SqlServerStagingWriter.Batch([_id, Column("ok", ColumnType.Boolean), Column("name", ColumnType.Text)], capacity: 3);
        batch.SetInteger(0, 42);
        batch.SetInteger(1, 1);
        batch.SetText(2, "Zoë".AsSpan());
        Assert.Equal(1, batch.EndRow(sourceRow: 2, rowId: 1));
        batch.SetNull(0);
        batch.SetInteger(1, 0);
        batch.SetNull(2);
        Assert.Equal(2, batch.EndRow(sourceRow: 5, rowId: 2));

        Assert.Equal(5, batch.FieldCount);
        Assert.Equal(["id", "ok", "name", "_source_row", "_row_id"], Enumerable.Range(0, 5).Select(batch.GetName));
        Assert.Equal([typeof(long), typeof(bool), typeof(string), typeof(long), typeof(long)], Enumerable.Range(0, 5).Select(batch.GetFieldType));
        Assert.Equal([[42L, true, "Zoë", 2L, 1L], [DBNull.Value, false, DBNull.Value, 5L, 2L]], ReadAll(batch));
        Assert.False(batch.Read());
    }

    [Fact]
    public void A_staging_batch_is_reused_after_each_write_and_refuses_rows_beyond_its_capacity()
    {
        var batch = new SqlServerStagingWriter.Batch([_id], capacity: 2);
        var written = new List<object[]>();
        for (var row = 1L; row <= 5; row++)
        {
            batch.SetInteger(0, row * 10);
            if (batch.EndRow(row + 1, row) == batch.Capacity)
            {
                Assert.Throws<InvalidOperationException>(() => batch.EndRow(0, 0));
                written.AddRange(ReadAll(batch));
                batch.Clear();
            }
        }

        written.AddRange(ReadAll(batch));

        Assert.Equal(Enumerable.Range(1, 5).Select(r => new object[] { r * 10L, r + 1L, (long)r }), written);
        Assert.Equal(10_000, SqlServerStagingWriter.RowsPerWrite);
    }

    /// <summary>Drops every index over [c] of [dbo].[ds_x] but the primary key.</summary>
    private const string DropIndexes =
        "DECLARE @drop nvarchar(max) = (SELECT STRING_AGG(CONVERT(nvarchar(max), N'DROP INDEX ' + QUOTENAME(i.name) + N' ON [dbo].[ds_x]'), N'; ') " +
        "FROM sys.indexes i WHERE i.object_id = OBJECT_ID(N'[dbo].[ds_x]') AND i.is_primary_key = 0 AND EXISTS (SELECT 1 FROM sys.index_columns c " +
        "WHERE c.object_id = i.object_id AND c.index_id = i.index_id AND c.column_id = COLUMNPROPERTY(i.object_id, N'c', 'ColumnId'))); " +
        "IF @drop IS NOT NULL EXEC sys.sp_executesql @drop;";

    /// <summary>[c] as yyyy-MM-ddTHH:mm:ss, then the fraction of a second without its trailing zeros.</summary>
    private const string IsoText =
        "CONVERT(nvarchar(19), [c], 126) + CASE WHEN DATEPART(nanosecond, [c]) = 0 THEN N'' ELSE N'.' + " +
        "REPLACE(RTRIM(REPLACE(RIGHT(N'000000' + CONVERT(nvarchar(7), DATEPART(nanosecond, [c]) / 100), 7), N'0', N' ')), N' ', N'0') END";

    private static List<object[]> ReadAll(DbDataReader reader)
    {
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(values);
        }

        return rows;
    }

    [Fact]
    public void Profiles_dates_as_whole_seconds_since_1970_and_counts_in_bigint()
    {
        var day = Column("day", ColumnType.Date);
        var dataset = new Dataset { Name = "sales", NormalizedName = "sales", TableName = "ds_sales" };
        var sql = new ProfileSql(_dialect);

        Assert.Equal("DATEDIFF_BIG(second, '1970-01-01', [day])", _dialect.Numeric(day));
        Assert.Equal("[amount]", _dialect.Numeric(_amount));
        Assert.Equal(
            "SELECT COUNT_BIG(*), SUM(CASE WHEN [day] IS NULL THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END), COUNT_BIG(DISTINCT [day]), " +
            "MIN([day]), MAX([day]), MIN(DATEDIFF_BIG(second, '1970-01-01', [day])), MAX(DATEDIFF_BIG(second, '1970-01-01', [day])) FROM [dbo].[ds_sales]",
            sql.Stats(dataset, day, numeric: true));
        Assert.Equal(
            "SELECT [day], COUNT_BIG(*) FROM [dbo].[ds_sales] WHERE [day] IS NOT NULL GROUP BY [day] ORDER BY COUNT_BIG(*) DESC, [day] ASC " +
            "OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY",
            sql.Top(dataset, day));
        Assert.Equal(
            "SELECT h.[_bin], COUNT_BIG(*) FROM (SELECT CASE WHEN DATEDIFF_BIG(second, '1970-01-01', [day]) < @h1 THEN 0 " +
            "WHEN DATEDIFF_BIG(second, '1970-01-01', [day]) < @h2 THEN 1 ELSE 2 END AS [_bin] FROM [dbo].[ds_sales] WHERE [day] IS NOT NULL) h GROUP BY h.[_bin]",
            sql.Histogram(dataset, day, 3));
    }

    private static DatasetColumn Column(string name, ColumnType type, int? scale = null) =>
        new() { Name = name, PhysicalName = name, Type = type, Scale = scale, Precision = scale is null ? null : 18 };
}
