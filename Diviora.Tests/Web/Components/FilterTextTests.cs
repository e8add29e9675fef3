using Diviora.Web.Api;
using Diviora.Web.Explore;

namespace Diviora.Tests.Web.Components;

/// <summary>Names, literals and conditions as the data grid writes them in the Api's filter language.</summary>
[Trait("Category", "Unit")]
public sealed class FilterTextTests
{
    private static readonly ColumnSummary Name = new("name", "text", true);
    private static readonly ColumnSummary Amount = new("amount", "decimal", true);
    private static readonly ColumnSummary Active = new("active", "boolean", true);

    [Theory]
    [InlineData("amount", "amount")]
    [InlineData("_run", "_run")]
    [InlineData("address.city", "address.city")]
    [InlineData("Contact Phone", "\"Contact Phone\"")]
    [InlineData("in", "\"in\"")]
    [InlineData("AND", "\"AND\"")]
    [InlineData("2024", "\"2024\"")]
    [InlineData("Größe (cm)", "\"Größe (cm)\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    public void Names_are_bare_when_the_language_allows_and_quoted_otherwise(string column, string written) =>
        Assert.Equal(written, FilterText.Name(column));

    [Fact]
    public void A_text_literal_doubles_its_single_quotes() =>
        Assert.Equal("'O''Brien'", FilterText.Text("O'Brien"));

    [Theory]
    [InlineData("text", "O'Brien", "'O''Brien'")]
    [InlineData("text", "08123", "'08123'")]
    [InlineData("integer", " 42 ", "42")]
    [InlineData("decimal", "12,50", "12.50")]
    [InlineData("decimal", "1,000", "1,000")]
    [InlineData("decimal", "1.000,5", "1.000,5")]
    [InlineData("double", "1e3", "1e3")]
    [InlineData("boolean", " True ", "true")]
    [InlineData("date", " 2024-01-31 ", "2024-01-31")]
    [InlineData("timestamptz", "2024-01-31T08:00:00Z", "2024-01-31T08:00:00Z")]
    public void Literals_are_written_for_the_column_type(string type, string value, string literal) =>
        Assert.Equal(literal, FilterText.Literal(new ColumnSummary("c", type, true), value));

    [Fact]
    public void And_of_nothing_is_no_filter() =>
        Assert.Null(FilterText.And([null, "", "  "]));

    [Fact]
    public void And_of_one_condition_is_that_condition_unchanged() =>
        Assert.Equal("country eq 'DE'", FilterText.And([null, " country eq 'DE' "]));

    [Fact]
    public void And_puts_each_of_several_conditions_in_parentheses_so_an_or_keeps_its_meaning() =>
        Assert.Equal(
            "(country eq 'DE' or country eq 'AT') and (amount gt 100)",
            FilterText.And(["country eq 'DE' or country eq 'AT'", null, "amount gt 100"]));

    [Theory]
    [InlineData("eq", "O'Brien", "name eq 'O''Brien'")]
    [InlineData("ne", "Anna", "name ne 'Anna'")]
    [InlineData("contains", "GmbH", "name contains 'GmbH'")]
    [InlineData("startswith", "A-", "name startswith 'A-'")]
    [InlineData("gt", "M", "name gt 'M'")]
    [InlineData("ge", "M", "name ge 'M'")]
    [InlineData("lt", "M", "name lt 'M'")]
    [InlineData("le", "M", "name le 'M'")]
    [InlineData("null", "", "name is null")]
    [InlineData("notnull", "ignored", "name is not null")]
    public void A_column_filter_on_a_text_column_writes_its_condition(string op, string value, string condition) =>
        Assert.Equal(condition, new ColumnFilter { Operator = op, Value = value }.ToCondition(Name));

    [Theory]
    [InlineData("eq", "12,5", "amount eq 12.5")]
    [InlineData("gt", "100", "amount gt 100")]
    [InlineData("le", " 0.5 ", "amount le 0.5")]
    public void A_column_filter_on_a_number_column_writes_a_bare_number(string op, string value, string condition) =>
        Assert.Equal(condition, new ColumnFilter { Operator = op, Value = value }.ToCondition(Amount));

    [Fact]
    public void A_column_filter_quotes_a_column_name_that_needs_it() =>
        Assert.Equal(
            "\"Contact Phone\" startswith '+49'",
            new ColumnFilter { Operator = "startswith", Value = "+49" }.ToCondition(new ColumnSummary("Contact Phone", "text", true)));

    [Theory]
    [InlineData("eq")]
    [InlineData("contains")]
    [InlineData("gt")]
    public void A_column_filter_with_an_empty_value_gives_no_condition(string op)
    {
        var filter = new ColumnFilter { Operator = op, Value = "" };

        Assert.False(filter.TakesNoValue);
        Assert.Null(filter.ToCondition(Name));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("notnull")]
    public void Is_null_and_is_not_null_take_no_value(string op) =>
        Assert.True(new ColumnFilter { Operator = op }.TakesNoValue);

    [Fact]
    public void Text_columns_offer_contains_and_startswith()
    {
        var operators = ColumnFilter.OperatorsFor(Name).Select(o => o.Operator);

        Assert.Equal(["eq", "ne", "contains", "startswith", "gt", "ge", "lt", "le", "null", "notnull"], operators);
    }

    [Fact]
    public void Number_columns_offer_comparisons_but_not_contains()
    {
        var operators = ColumnFilter.OperatorsFor(Amount).Select(o => o.Operator);

        Assert.Equal(["eq", "ne", "gt", "ge", "lt", "le", "null", "notnull"], operators);
    }

    [Fact]
    public void Boolean_columns_offer_only_equality_and_emptiness()
    {
        var operators = ColumnFilter.OperatorsFor(Active).Select(o => o.Operator);

        Assert.Equal(["eq", "ne", "null", "notnull"], operators);
    }
}
