using Diviora.Core.Catalog;
using Diviora.Core.Warehouse.Sqlite;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class SqliteDialectTests
{
    private readonly SqliteDialect _dialect = new();

    [Fact]
    public void Creates_a_table_with_quoted_identifiers_and_system_columns_first()
    {
        var sql = _dialect.CreateTable("ds_sales-2024", [Column("amount", ColumnType.Decimal), Column("id", ColumnType.Integer)]);

        Assert.Equal(
            "CREATE TABLE IF NOT EXISTS \"ds_sales-2024\" (\"_row_id\" INTEGER PRIMARY KEY, \"_run_id\" TEXT NOT NULL, " +
            "\"_ingested_at\" TEXT NOT NULL, \"amount\" TEXT, \"id\" INTEGER)",
            sql);
    }

    [Fact]
    public void Stages_rows_with_positional_parameters()
    {
        var sql = _dialect.InsertStagingRow("stage_1", [Column("a", ColumnType.Text), Column("b", ColumnType.Text)]);

        Assert.Equal("INSERT INTO \"stage_1\" (\"a\", \"b\", \"_source_row\") VALUES (?1, ?2, ?3)", sql);
    }

    [Fact]
    public void Appends_staged_rows_in_order_with_the_run_and_its_time()
    {
        var sql = _dialect.AppendFromStaging("stage_1", "ds_x", [Column("a", ColumnType.Text)]);

        Assert.Equal(
            "INSERT INTO main.\"ds_x\" (\"_run_id\", \"_ingested_at\", \"a\") SELECT @run, @at, \"a\" FROM temp.\"stage_1\" ORDER BY \"_row_id\"",
            sql);
    }

    [Theory]
    [InlineData("Robert\"; DROP TABLE x;--")]
    [InlineData("has space")]
    [InlineData("Upper")]
    [InlineData("")]
    public void Refuses_identifiers_outside_the_strict_pattern(string identifier)
    {
        Assert.Throws<ArgumentException>(() => _dialect.Quote(identifier));
    }

    private static DatasetColumn Column(string name, ColumnType type) => new() { Name = name, PhysicalName = name, Type = type };
}
