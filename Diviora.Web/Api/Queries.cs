using System.Text;

namespace Diviora.Web.Api;

/// <summary>A request for a page of rows: the rows endpoint's query parameters.</summary>
public sealed record RowsQuery
{
    public string? Filter { get; init; }

    public string? OrderBy { get; init; }

    public string? Select { get; init; }

    public long Offset { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>Continue after the page this cursor ended; replaces <see cref="Offset"/>.</summary>
    public string? Cursor { get; init; }

    /// <summary>Count the rows a filter matches (without a filter the catalog's count comes free).</summary>
    public bool Count { get; init; }

    public string ToQueryString()
    {
        var query = new QueryText();
        query.Add("filter", Filter);
        query.Add("orderBy", OrderBy);
        query.Add("select", Select);
        if (Cursor is not null)
        {
            query.Add("cursor", Cursor);
        }
        else if (Offset > 0)
        {
            query.Add("offset", Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        query.Add("limit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Count)
        {
            query.Add("count", "true");
        }

        return query.ToString();
    }

    /// <summary>The same query without paging, for the export endpoint.</summary>
    public string ToExportQueryString(string format)
    {
        var query = new QueryText();
        query.Add("format", format);
        query.Add("filter", Filter);
        query.Add("orderBy", OrderBy);
        query.Add("select", Select);
        return query.ToString();
    }
}

/// <summary>Which runs to list, newest first: of a dataset, with a status, or started by a source.</summary>
public sealed record RunsQuery(string? Dataset = null, string? Status = null, int Limit = 50, string? Source = null)
{
    public string ToQueryString()
    {
        var query = new QueryText();
        query.Add("dataset", Dataset);
        query.Add("source", Source);
        query.Add("status", Status);
        query.Add("limit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return query.ToString();
    }
}

/// <summary>How to read an uploaded file, as the user chose it; empty values leave the choice to detection.</summary>
public sealed record UploadFormat(string? Format = null, string? Delimiter = null, string? Encoding = null, bool? Header = null, string? Sheet = null)
{
    /// <summary>The options as query parameters, each starting with '&amp;'; empty when nothing was chosen.</summary>
    public string ToQuery()
    {
        var query = new QueryText();
        query.Add("format", Format);
        query.Add("delimiter", Delimiter);
        query.Add("encoding", Encoding);
        query.Add("header", Header is { } header ? (header ? "true" : "false") : null);
        query.Add("sheet", Sheet);
        var text = query.ToString();
        return text.Length == 0 ? "" : "&" + text[1..];
    }
}

/// <summary>Builds <c>?a=1&amp;b=2</c>, escaping values and leaving out empty ones.</summary>
internal sealed class QueryText
{
    private readonly StringBuilder _text = new();

    public void Add(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    public override string ToString() => _text.ToString();
}
