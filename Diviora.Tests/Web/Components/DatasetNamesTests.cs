using Diviora.Web.Uploads;

namespace Diviora.Tests.Web.Components;

/// <summary>Dataset names as the upload form checks and suggests them.</summary>
[Trait("Category", "Unit")]
public sealed class DatasetNamesTests
{
    [Theory]
    [InlineData("sales")]
    [InlineData("Sales-2024_eu")]
    [InlineData("a")]
    public void Names_of_a_letter_then_letters_digits_underscores_and_hyphens_are_valid(string name) =>
        Assert.True(DatasetNames.IsValid(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2024")]
    [InlineData("_sales")]
    [InlineData("-sales")]
    [InlineData("sales 2024")]
    [InlineData("sales.csv")]
    [InlineData("größe")]
    public void Other_names_are_not(string? name) =>
        Assert.False(DatasetNames.IsValid(name));

    [Fact]
    public void Names_are_at_most_63_characters()
    {
        Assert.True(DatasetNames.IsValid("a" + new string('b', 62)));
        Assert.False(DatasetNames.IsValid("a" + new string('b', 63)));
    }

    [Theory]
    [InlineData("Sales 2024 (EU).csv.gz", "sales_2024_eu")]
    [InlineData("orders.jsonl", "orders")]
    [InlineData("events.ndjson.gz", "events")]
    [InlineData("Q1 Report.XLSX", "q1_report")]
    [InlineData("cost-centres.tsv", "cost-centres")]
    [InlineData("  --weird__name--.txt", "weird_name")]
    public void A_name_is_suggested_from_the_file_name(string fileName, string suggested) =>
        Assert.Equal(suggested, DatasetNames.Suggest(fileName));

    [Theory]
    [InlineData("2024.csv", "data_2024")]
    [InlineData("_.csv", "data_")]
    [InlineData("(1).csv", "data_1")]
    public void A_suggested_name_starts_with_a_letter(string fileName, string suggested)
    {
        var name = DatasetNames.Suggest(fileName);

        Assert.Equal(suggested, name);
        Assert.True(DatasetNames.IsValid(name));
    }

    [Fact]
    public void A_long_file_name_is_cut_to_63_characters_without_a_trailing_separator()
    {
        var fileName = "Monthly export of all customer orders from the European web shop including returns.csv";

        var name = DatasetNames.Suggest(fileName);

        Assert.Equal("monthly_export_of_all_customer_orders_from_the_european_web_sho", name);
        Assert.Equal(63, name.Length);
        Assert.True(DatasetNames.IsValid(name));
    }

    [Fact]
    public void A_cut_that_lands_on_a_separator_drops_it()
    {
        var name = DatasetNames.Suggest(new string('a', 62) + " b.csv");

        Assert.Equal(new string('a', 62), name);
        Assert.True(DatasetNames.IsValid(name));
    }
}
