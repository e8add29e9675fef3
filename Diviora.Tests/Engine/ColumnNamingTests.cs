using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class ColumnNamingTests
{
    [Fact]
    public void Keeps_header_names_as_written_and_names_blank_and_repeated_ones()
    {
        var names = ColumnNaming.ColumnNames(["Contact Phone Number", "", "id", "id", " "]);

        Assert.Equal(["Contact Phone Number", "column_2", "id", "id_2", "column_5"], names);
    }

    [Fact]
    public void Makes_physical_names_that_are_safe_identifiers()
    {
        var physical = ColumnNaming.PhysicalNames(["Contact Phone Number", "Größe (cm)", "2024", "_run_id", "a; DROP TABLE x;--", "A", "a"]);

        Assert.Equal(["contact_phone_number", "gro_e_cm", "c_2024", "run_id", "a_drop_table_x", "a", "a_2"], physical);
    }

    [Fact]
    public void Plans_a_first_file_as_the_dataset_schema()
    {
        var plan = SchemaPlan.For([], [new("id", ColumnType.Integer, false, true), new("Contact Phone", ColumnType.Text, true, true)]);

        Assert.Equal(["id:integer:required", "Contact Phone:text:nullable"], Describe(plan.Columns));
        Assert.Equal(["contact_phone"], plan.Columns.Skip(1).Select(c => c.PhysicalName));
        Assert.Equal([0, 1], plan.Targets);
        Assert.Equal(["created id", "created Contact Phone"], plan.Changes.Select(c => $"{c.Kind} {c.Column.Name}"));
    }

    [Fact]
    public void Matches_a_later_file_by_column_name_in_any_order()
    {
        var plan = SchemaPlan.For(Columns("a", "b"), [new("b", ColumnType.Text, false, true), new("a", ColumnType.Text, false, true)]);

        Assert.Equal([1, 0], plan.Targets);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void Adds_new_columns_as_nullable_and_makes_missing_ones_nullable()
    {
        var plan = SchemaPlan.For(Columns("id", "amount"), [new("id", ColumnType.Text, false, true), new("total", ColumnType.Integer, false, true)]);

        Assert.Equal(["id:text:required", "amount:text:nullable", "total:integer:nullable"], Describe(plan.Columns));
        Assert.Equal([0, 2], plan.Targets);
        Assert.Equal(["added total: integer", "nullable amount: missing from this file: loaded as null"],
            plan.Changes.Select(c => $"{c.Kind} {c.Column.Name}: {c.Description}"));
    }

    [Theory]
    [InlineData(ColumnType.Integer, ColumnType.Decimal, ColumnType.Decimal)]
    [InlineData(ColumnType.Decimal, ColumnType.Integer, ColumnType.Decimal)]
    [InlineData(ColumnType.Date, ColumnType.Timestamp, ColumnType.Timestamp)]
    [InlineData(ColumnType.Integer, ColumnType.Boolean, ColumnType.Text)]
    [InlineData(ColumnType.Boolean, ColumnType.Date, ColumnType.Text)]
    [InlineData(ColumnType.Text, ColumnType.Integer, ColumnType.Text)]
    public void Widens_a_column_only_as_far_as_both_files_need(ColumnType existing, ColumnType incoming, ColumnType expected)
    {
        Assert.Equal(expected, SchemaPlan.Widened(existing, incoming));
    }

    [Fact]
    public void Records_a_widening_and_ignores_a_column_of_nulls()
    {
        var existing = new List<DatasetColumn>
        {
            new() { Name = "n", PhysicalName = "n", Type = ColumnType.Integer, Ordinal = 0 },
            new() { Name = "m", PhysicalName = "m", Type = ColumnType.Integer, Ordinal = 1 },
        };

        var plan = SchemaPlan.For(existing, [new("n", ColumnType.Decimal, false, true), new("m", ColumnType.Text, true, HasValues: false)]);

        Assert.Equal(["n:decimal:required", "m:integer:nullable"], Describe(plan.Columns));
        Assert.Equal(["widened n: integer to decimal", "nullable m: holds empty values from now on"],
            plan.Changes.Select(c => $"{c.Kind} {c.Column.Name}: {c.Description}"));
        Assert.Equal(ColumnType.Integer, existing[0].Type);
    }

    [Fact]
    public void Refuses_a_file_column_in_diviora_own_namespace_and_says_how_to_rename_it()
    {
        var error = Assert.Throws<IngestionDataException>(() => SchemaPlan.For([], [new("_id", ColumnType.Text, false, true)]));

        Assert.Equal(
            "The file has a column named '_id', but names starting with '_' are Diviora's own (_row_id, _run_id, _ingested_at). " +
            "Rename it in the file, or in the dataset's settings: {\"columns\": [{\"name\": \"_id\", \"rename\": \"id\"}]}.",
            error.Message);
    }

    private static string[] Describe(IEnumerable<DatasetColumn> columns) =>
        [.. columns.Select(c => $"{c.Name}:{ColumnValues.Name(c.Type)}:{(c.Nullable ? "nullable" : "required")}")];

    private static List<DatasetColumn> Columns(params string[] names) =>
        [.. names.Select((n, i) => new DatasetColumn { Name = n, PhysicalName = n, Ordinal = i })];
}
