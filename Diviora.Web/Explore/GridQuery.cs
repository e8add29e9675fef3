using Diviora.Web.Api;

namespace Diviora.Web.Explore;

/// <summary>
/// The data grid's state turned into a rows query: sort, free filter, column filters and chosen columns. The grid asks
/// for pages by offset, and this remembers the cursor that ends each page so the next page continues by keyset, which
/// costs the same at row 900,000 as at row 10.
/// </summary>
public sealed class GridQuery
{
    private readonly Dictionary<long, string> _cursors = [];
    private string _signature = "";
    private long? _total;

    public GridQuery(IReadOnlyList<ColumnSummary> columns)
    {
        Columns = columns;
        Visible = new HashSet<string>(columns.Select(c => c.Name), StringComparer.Ordinal);
    }

    public IReadOnlyList<ColumnSummary> Columns { get; }

    /// <summary>The free filter expression the user typed.</summary>
    public string? Expression { get; set; }

    /// <summary>Filters per column name.</summary>
    public Dictionary<string, ColumnFilter> ColumnFilters { get; } = new(StringComparer.Ordinal);

    /// <summary>The columns shown (the column chooser).</summary>
    public HashSet<string> Visible { get; }

    /// <summary>The filter the grid sends: the free expression and every column filter, joined with and.</summary>
    public string? Filter => FilterText.And(
        new[] { Expression }.Concat(Columns.Where(c => ColumnFilters.ContainsKey(c.Name)).Select(c => ColumnFilters[c.Name].ToCondition(c))));

    /// <summary>The columns to ask for, or null for every column.</summary>
    public string? Select => Visible.Count == Columns.Count
        ? null
        : string.Join(",", Columns.Where(c => Visible.Contains(c.Name)).Select(c => FilterText.Name(c.Name)));

    /// <summary>True when the column has a filter set.</summary>
    public bool IsFiltered(string column) =>
        ColumnFilters.TryGetValue(column, out var filter) && Columns.FirstOrDefault(c => c.Name == column) is { } c && filter.ToCondition(c) is not null;

    /// <summary>orderBy text from the grid's sort: (column, ascending) pairs in priority order.</summary>
    public static string? OrderBy(IEnumerable<(string Column, bool Ascending)> sort)
    {
        var terms = sort.Select(s => FilterText.Name(s.Column) + (s.Ascending ? "" : " desc")).ToList();
        return terms.Count == 0 ? null : string.Join(",", terms);
    }

    /// <summary>The query for the page that starts at <paramref name="offset"/>.</summary>
    public RowsQuery PageAt(long offset, int limit, string? orderBy)
    {
        var query = new RowsQuery { Filter = Filter, OrderBy = orderBy, Select = Select, Limit = limit };
        var signature = $"{query.Filter}\n{query.OrderBy}\n{query.Select}\n{limit}";
        if (signature != _signature)
        {
            // Another query: cursors of the old one would be refused, and its count may differ.
            _cursors.Clear();
            _total = null;
            _signature = signature;
        }

        // Counting a filter reads every matching row: once per query, not once per page.
        query = query with { Count = query.Filter is not null && _total is null };

        return offset > 0 && _cursors.TryGetValue(offset, out var cursor)
            ? query with { Cursor = cursor }
            : query with { Offset = offset };
    }

    /// <summary>
    /// Remembers where the page that started at <paramref name="offset"/> ended and how many rows the query matches;
    /// answers that number.
    /// </summary>
    public long PageRead(long offset, RowsPage page)
    {
        if (page.NextCursor is not null)
        {
            _cursors[offset + page.Rows.Count] = page.NextCursor;
        }

        _total = page.Total ?? _total;
        return _total ?? offset + page.Rows.Count;
    }
}
