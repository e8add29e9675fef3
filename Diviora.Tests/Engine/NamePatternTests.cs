using Diviora.Api.GraphQl;
using Diviora.Core.Catalog;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Warehouse;

namespace Diviora.Tests.Engine;

/// <summary>
/// Every name pattern ends at the end of the text: <c>$</c> also matches before a final line feed, so <c>sales\n</c>
/// passed as a dataset, source or secret name and reached blob names and SQL.
/// </summary>
[Trait("Category", "Unit")]
public sealed class NamePatternTests
{
    public static TheoryData<string> LineEnds => ["\n", "\r\n", "\r", "\n\n"];

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Dataset_source_and_secret_names_with_a_trailing_line_break_are_refused(string end)
    {
        Assert.False(DatasetName.IsValid("sales" + end));
        Assert.False(SecretName.IsValid("crm-token" + end));
        Assert.False(SecretReference.IsValid("secret:crm-token" + end));
        Assert.Throws<ArgumentException>(() => DatasetName.TableNameFor("sales" + end));
        Assert.StartsWith("name 'crm", Source("crm" + end, "customers").Validate(), StringComparison.Ordinal);
        Assert.StartsWith("dataset 'customers", Source("crm", "customers" + end).Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_that_follow_the_rule_pass()
    {
        Assert.True(DatasetName.IsValid("sales_2024-eu"));
        Assert.True(DatasetName.IsValid("S" + new string('x', 62)));
        Assert.False(DatasetName.IsValid("S" + new string('x', 63)));
        Assert.True(SecretName.IsValid("crm-token"));
        Assert.True(SecretReference.IsValid("secret:crm-token"));
        Assert.Null(Source("crm", "customers").Validate());
    }

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void A_sql_identifier_with_a_trailing_line_break_is_refused(string end)
    {
        Assert.Equal("ds_sales", SqlIdentifier.Checked("ds_sales"));
        Assert.Throws<ArgumentException>(() => SqlIdentifier.Checked("ds_sales" + end));
    }

    [Fact]
    public void A_graphql_column_with_a_trailing_line_break_is_quoted_in_the_select_list()
    {
        Assert.Equal("amount,\"amount\n\"", GraphQlNames.SelectList(["amount", "amount\n"]));
    }

    private static SourceDefinition Source(string name, string dataset) =>
        new() { Name = name, Kind = "dropzone", Dataset = dataset, Dropzone = new DropzoneSettings { Prefix = "customers/" } };
}
