using System.Text.Json;
using Diviora.Web.Api;
using Diviora.Web.Charts;

namespace Diviora.Tests.Web.Components;

/// <summary>An aggregate answer turned into what a chart draws: categories, series, titles.</summary>
[Trait("Category", "Unit")]
public sealed class ChartFigureTests
{
    [Fact]
    public void One_group_by_with_two_measures_draws_a_series_per_measure()
    {
        var result = Aggregate(["country"], ["count()", "sum(amount)"], """
            [{"country":"DE","count()":3,"sum(amount)":120.5},
             {"country":"AT","count()":1,"sum(amount)":null},
             {"country":null,"count()":2,"sum(amount)":"7.25"}]
            """);

        var figure = ChartFigure.From(result, "bar");

        Assert.Equal(["DE", "AT", "(empty)"], figure.Categories);
        Assert.Equal(["count()", "sum(amount)"], figure.Series.Select(s => s.Name));
        Assert.Equal([3, 1, 2], figure.Series[0].Values);
        Assert.Equal([120.5, null, 7.25], figure.Series[1].Values);
        Assert.Equal("country", figure.XTitle);
        // Two measures share the y axis: no single title fits.
        Assert.Equal("", figure.YTitle);
        Assert.False(figure.Stacked);
        Assert.False(figure.IsEmpty);
    }

    [Fact]
    public void Number_groups_stay_numbers_so_the_axis_is_numeric()
    {
        var result = Aggregate(["year"], ["count()"], """[{"year":2023,"count()":5},{"year":2024,"count()":9},{"year":true,"count()":1}]""");

        var figure = ChartFigure.From(result, "line");

        Assert.Equal([2023d, 2024d, "true"], figure.Categories);
        Assert.IsType<double>(figure.Categories[0]);
        Assert.Equal("count()", figure.YTitle);
    }

    [Fact]
    public void Two_group_by_columns_draw_a_series_per_value_of_the_second_with_gaps_as_null()
    {
        var result = Aggregate(["year", "country"], ["sum(amount)", "count()"], """
            [{"year":2023,"country":"DE","sum(amount)":10,"count()":1},
             {"year":2023,"country":"AT","sum(amount)":4,"count()":1},
             {"year":2024,"country":"DE","sum(amount)":12,"count()":1},
             {"year":2025,"country":"AT","sum(amount)":6,"count()":1},
             {"year":2025,"country":null,"sum(amount)":1,"count()":1}]
            """);

        var figure = ChartFigure.From(result, "bar");

        Assert.Equal([2023d, 2024d, 2025d], figure.Categories);
        Assert.Equal(["DE", "AT", "(empty)"], figure.Series.Select(s => s.Name));
        Assert.Equal([10, 12, null], figure.Series[0].Values);
        Assert.Equal([4, null, 6], figure.Series[1].Values);
        Assert.Equal([null, null, 1], figure.Series[2].Values);
        Assert.Equal("year", figure.XTitle);
        Assert.Equal("sum(amount)", figure.YTitle);
        Assert.True(figure.Stacked);
    }

    [Fact]
    public void Two_group_by_columns_on_a_line_chart_are_not_stacked()
    {
        var result = Aggregate(["year", "country"], ["count()"], """[{"year":2023,"country":"DE","count()":1}]""");

        Assert.False(ChartFigure.From(result, "line").Stacked);
    }

    [Fact]
    public void A_pie_keeps_only_the_first_measure_and_the_first_group_by()
    {
        var result = Aggregate(["country", "year"], ["sum(amount)", "count()"], """
            [{"country":"DE","year":2023,"sum(amount)":10,"count()":1},
             {"country":"AT","year":2023,"sum(amount)":4,"count()":2}]
            """);

        var figure = ChartFigure.From(result, "pie");

        var series = Assert.Single(figure.Series);
        Assert.Equal("sum(amount)", series.Name);
        Assert.Equal([10, 4], series.Values);
        Assert.Equal(["DE", "AT"], figure.Categories);
        Assert.Equal("sum(amount)", figure.YTitle);
    }

    [Fact]
    public void At_most_MaxCategories_categories_are_drawn()
    {
        var rows = string.Join(",", Enumerable.Range(0, ChartFigure.MaxCategories + 100).Select(i => $$"""{"id":{{i}},"count()":{{i}}}"""));

        var figure = ChartFigure.From(Aggregate(["id"], ["count()"], $"[{rows}]"), "bar");

        Assert.Equal(ChartFigure.MaxCategories, figure.Categories.Count);
        Assert.Equal(ChartFigure.MaxCategories, figure.Series[0].Values.Count);
        Assert.Equal((double)(ChartFigure.MaxCategories - 1), figure.Categories[^1]);
    }

    [Fact]
    public void At_most_MaxCategories_categories_are_drawn_with_two_group_by_columns()
    {
        var rows = string.Join(",", Enumerable.Range(0, ChartFigure.MaxCategories + 10)
            .SelectMany(i => new[] { $$"""{"id":{{i}},"kind":"a","count()":1}""", $$"""{"id":{{i}},"kind":"b","count()":2}""" }));

        var figure = ChartFigure.From(Aggregate(["id", "kind"], ["count()"], $"[{rows}]"), "bar");

        Assert.Equal(ChartFigure.MaxCategories, figure.Categories.Count);
        Assert.All(figure.Series, s => Assert.Equal(ChartFigure.MaxCategories, s.Values.Count));
    }

    [Fact]
    public void Without_group_by_or_measures_the_figure_is_empty()
    {
        Assert.True(ChartFigure.From(Aggregate([], ["count()"], "[]"), "bar").IsEmpty);
        Assert.True(ChartFigure.From(Aggregate(["country"], [], "[]"), "bar").IsEmpty);
        Assert.True(ChartFigure.From(Aggregate(["country"], ["count()"], "[]"), "bar").IsEmpty);
    }

    private static AggregateResult Aggregate(string[] groupBy, string[] measures, string rows) =>
        new(groupBy, measures, JsonSerializer.Deserialize<Dictionary<string, JsonElement>[]>(rows)!);
}
