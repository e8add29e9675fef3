using Bunit;
using Diviora.Web.Api;
using Diviora.Web.Components.Datasets;
using Diviora.Web.Explore;
using Microsoft.AspNetCore.Components.Web;

namespace Diviora.Tests.Web.Components;

/// <summary>The filter in a column's header menu.</summary>
[Trait("Category", "Unit")]
public sealed class ColumnFilterEditorTests : DashboardContext
{
    [Fact]
    public void A_text_column_offers_contains()
    {
        var cut = Editor(new ColumnSummary("name", "text", true), new ColumnFilter(), () => { });

        Assert.Contains("contains", Operators(cut));
        Assert.Contains("startswith", Operators(cut));
        Assert.Equal("Value (text)", cut.Find("[data-testid=filter-value]").ParentElement!.QuerySelector("span")!.TextContent);
    }

    [Theory]
    [InlineData("integer")]
    [InlineData("date")]
    [InlineData("boolean")]
    public void Other_columns_do_not_offer_contains(string type)
    {
        var cut = Editor(new ColumnSummary("c", type, true), new ColumnFilter(), () => { });

        Assert.DoesNotContain("contains", Operators(cut));
        Assert.DoesNotContain("startswith", Operators(cut));
        Assert.Contains("eq", Operators(cut));
    }

    [Fact]
    public void Enter_in_the_value_box_applies_the_filter_as_typed()
    {
        var column = new ColumnSummary("Contact Name", "text", true);
        var filter = new ColumnFilter();
        var applied = new List<string?>();
        var cut = Editor(column, filter, () => applied.Add(filter.ToCondition(column)));

        cut.Find("[data-testid=filter-operator]").Change("startswith");
        var value = cut.Find("[data-testid=filter-value]");
        value.Input("O'Brien");
        value.KeyDown(new KeyboardEventArgs { Key = "a" });
        Assert.Empty(applied);

        cut.Find("[data-testid=filter-value]").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(["\"Contact Name\" startswith 'O''Brien'"], applied);
    }

    [Fact]
    public void Is_empty_hides_the_value_box()
    {
        var filter = new ColumnFilter();
        var cut = Editor(new ColumnSummary("name", "text", true), filter, () => { });

        cut.Find("[data-testid=filter-operator]").Change("null");

        Assert.Empty(cut.FindAll("[data-testid=filter-value]"));
        Assert.Equal("null", filter.Operator);
    }

    private IRenderedComponent<ColumnFilterEditor> Editor(ColumnSummary column, ColumnFilter filter, Action onApply) =>
        Render<ColumnFilterEditor>(p => p
            .Add(c => c.Column, column)
            .Add(c => c.Filter, filter)
            .Add(c => c.OnApply, onApply));

    private static List<string?> Operators(IRenderedComponent<ColumnFilterEditor> cut) =>
        [.. cut.FindAll("[data-testid=filter-operator] option").Select(o => o.GetAttribute("value"))];
}
