using System.Text.Json;
using Diviora.Web.Api;
using Diviora.Web.Explore;

namespace Diviora.Tests.Web.Components;

/// <summary>The data grid's state as the rows endpoint receives it: filter, select, orderBy, and keyset paging.</summary>
[Trait("Category", "Unit")]
public sealed class GridQueryTests
{
    private static readonly ColumnSummary[] Columns =
    [
        new("id", "integer", false),
        new("Contact Phone", "text", true),
        new("amount", "decimal", true),
        new("in", "text", true),
    ];

    [Fact]
    public void Without_filters_there_is_no_filter_and_every_column_is_asked_for()
    {
        var grid = new GridQuery(Columns);

        Assert.Null(grid.Filter);
        Assert.Null(grid.Select);
    }

    [Fact]
    public void The_filter_joins_the_free_expression_and_the_column_filters_in_column_order()
    {
        var grid = new GridQuery(Columns) { Expression = "id gt 10 or id eq 1" };
        // Set in another order than the columns': the filter follows the grid's columns.
        grid.ColumnFilters["amount"] = new ColumnFilter { Operator = "ge", Value = "5,5" };
        grid.ColumnFilters["Contact Phone"] = new ColumnFilter { Operator = "startswith", Value = "+49" };
        grid.ColumnFilters["in"] = new ColumnFilter { Operator = "eq", Value = "" };

        Assert.Equal("(id gt 10 or id eq 1) and (\"Contact Phone\" startswith '+49') and (amount ge 5.5)", grid.Filter);
        Assert.True(grid.IsFiltered("amount"));
        Assert.False(grid.IsFiltered("in"));
        Assert.False(grid.IsFiltered("id"));
    }

    [Fact]
    public void A_single_column_filter_is_the_whole_filter()
    {
        var grid = new GridQuery(Columns);
        grid.ColumnFilters["in"] = new ColumnFilter { Operator = "notnull" };

        Assert.Equal("\"in\" is not null", grid.Filter);
    }

    [Fact]
    public void Select_names_the_visible_columns_in_grid_order_only_when_some_are_hidden()
    {
        var grid = new GridQuery(Columns);
        grid.Visible.Remove("id");

        Assert.Equal("\"Contact Phone\",amount,\"in\"", grid.Select);

        grid.Visible.Add("id");
        Assert.Null(grid.Select);
    }

    [Fact]
    public void OrderBy_writes_the_sort_pairs_in_priority_order()
    {
        Assert.Equal("amount desc,\"Contact Phone\"", GridQuery.OrderBy([("amount", false), ("Contact Phone", true)]));
        Assert.Null(GridQuery.OrderBy([]));
    }

    [Fact]
    public void The_next_page_continues_from_the_cursor_that_ended_the_page_before()
    {
        var grid = new GridQuery(Columns);

        var first = grid.PageAt(0, 50, "amount desc");
        Assert.Equal(0, first.Offset);
        Assert.Null(first.Cursor);
        Assert.Equal("?orderBy=amount%20desc&limit=50", first.ToQueryString());

        var total = grid.PageRead(0, Page(50, total: 1_000, next: "c-50"));
        Assert.Equal(1_000, total);

        var second = grid.PageAt(50, 50, "amount desc");
        Assert.Equal("c-50", second.Cursor);
        Assert.Equal("?orderBy=amount%20desc&cursor=c-50&limit=50", second.ToQueryString());
    }

    [Fact]
    public void A_page_with_no_known_cursor_is_asked_for_by_offset()
    {
        var grid = new GridQuery(Columns);
        grid.PageAt(0, 50, null);
        grid.PageRead(0, Page(50, total: 1_000, next: "c-50"));

        // The user jumped ahead: no page ended at 500.
        var jump = grid.PageAt(500, 50, null);

        Assert.Null(jump.Cursor);
        Assert.Equal("?offset=500&limit=50", jump.ToQueryString());
    }

    [Fact]
    public void A_filtered_query_is_counted_on_its_first_page_only()
    {
        var grid = new GridQuery(Columns) { Expression = "amount gt 100" };

        var first = grid.PageAt(0, 50, null);
        Assert.True(first.Count);
        Assert.Equal("?filter=amount%20gt%20100&limit=50&count=true", first.ToQueryString());

        Assert.Equal(73, grid.PageRead(0, Page(50, total: 73, next: "c-50")));

        var second = grid.PageAt(50, 50, null);
        Assert.False(second.Count);
        Assert.Equal("c-50", second.Cursor);
        // The total stays known though the second page's answer carries none.
        Assert.Equal(73, grid.PageRead(50, Page(23, total: null, next: null)));
    }

    [Fact]
    public void Without_a_filter_the_catalog_count_comes_free_and_nothing_is_counted()
    {
        var grid = new GridQuery(Columns);

        Assert.False(grid.PageAt(0, 50, null).Count);
    }

    [Fact]
    public void A_changed_filter_drops_the_cursors_and_counts_the_new_query_once()
    {
        var grid = new GridQuery(Columns) { Expression = "amount gt 100" };
        grid.PageAt(0, 50, null);
        grid.PageRead(0, Page(50, total: 73, next: "c-50"));

        grid.ColumnFilters["Contact Phone"] = new ColumnFilter { Operator = "contains", Value = "+49" };
        var first = grid.PageAt(0, 50, null);
        Assert.True(first.Count);
        grid.PageRead(0, Page(50, total: 60, next: "d-50"));

        var second = grid.PageAt(50, 50, null);
        Assert.Equal("d-50", second.Cursor);
        Assert.False(second.Count);
    }

    [Fact]
    public void A_changed_sort_drops_the_cursors_of_the_old_order()
    {
        var grid = new GridQuery(Columns);
        grid.PageAt(0, 50, "amount");
        grid.PageRead(0, Page(50, total: 1_000, next: "by-amount-50"));

        var resorted = grid.PageAt(50, 50, "amount desc");

        Assert.Null(resorted.Cursor);
        Assert.Equal(50, resorted.Offset);
    }

    [Fact]
    public void Hiding_a_column_is_another_query_too()
    {
        var grid = new GridQuery(Columns) { Expression = "id gt 1" };
        grid.PageAt(0, 50, null);
        grid.PageRead(0, Page(50, total: 400, next: "c-50"));

        grid.Visible.Remove("amount");
        var page = grid.PageAt(50, 50, null);

        Assert.Null(page.Cursor);
        Assert.True(page.Count);
        Assert.Equal("id,\"Contact Phone\",\"in\"", page.Select);
    }

    [Fact]
    public void Without_any_total_the_rows_read_so_far_are_the_count()
    {
        var grid = new GridQuery(Columns);
        grid.PageAt(0, 50, null);

        Assert.Equal(50, grid.PageRead(0, Page(50, total: null, next: "c-50")));
        Assert.Equal(70, grid.PageRead(50, Page(20, total: null, next: null)));
    }

    [Fact]
    public void The_query_string_escapes_every_value()
    {
        var query = new RowsQuery
        {
            Filter = "name eq 'O''Brien' and \"Contact Phone\" startswith '+49 & co'",
            OrderBy = "\"Contact Phone\" desc",
            Select = "name,\"Contact Phone\"",
            Offset = 100,
            Limit = 25,
        };

        Assert.Equal(
            "?filter=name%20eq%20%27O%27%27Brien%27%20and%20%22Contact%20Phone%22%20startswith%20%27%2B49%20%26%20co%27" +
            "&orderBy=%22Contact%20Phone%22%20desc&select=name%2C%22Contact%20Phone%22&offset=100&limit=25",
            query.ToQueryString());
    }

    [Fact]
    public void A_cursor_replaces_the_offset_in_the_query_string()
    {
        var query = new RowsQuery { Offset = 100, Cursor = "eyJrIjoxfQ==", Count = true };

        Assert.Equal("?cursor=eyJrIjoxfQ%3D%3D&limit=50&count=true", query.ToQueryString());
    }

    private static RowsPage Page(int rows, long? total, string? next) =>
        new(total, [.. Enumerable.Range(0, rows).Select(i => new Dictionary<string, JsonElement> { ["id"] = JsonSerializer.SerializeToElement(i) })], next);
}
