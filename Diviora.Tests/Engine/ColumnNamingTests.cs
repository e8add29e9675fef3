using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Tests.Engine;

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
    public void Matches_a_later_file_to_the_dataset_by_column_name_in_any_order()
    {
        var columns = Columns("a", "b");

        var mapped = SchemaMatch.Map("ds", columns, ["b", "a"]);

        Assert.Equal(["b", "a"], mapped.Select(c => c.Name));
    }

    [Fact]
    public void Refuses_a_later_file_with_other_columns_and_says_which()
    {
        var error = Assert.Throws<IngestionDataException>(() => SchemaMatch.Map("sales", Columns("id", "amount"), ["id", "total"]));

        Assert.Equal(
            "The file's header does not match dataset 'sales': missing 'amount'; not in the dataset 'total'. " +
            "The dataset's columns are 'id', 'amount'. Upload a file with these columns, or load it into a new dataset.",
            error.Message);
    }

    private static List<DatasetColumn> Columns(params string[] names) =>
        [.. names.Select((n, i) => new DatasetColumn { Name = n, PhysicalName = n, Ordinal = i })];
}
