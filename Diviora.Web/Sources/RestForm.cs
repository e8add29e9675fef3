using System.Text.Json.Nodes;
using Diviora.Web.Api;

namespace Diviora.Web.Sources;

/// <summary>
/// The <c>rest</c> block as a form. It keeps the fields of every pagination type, so switching type and back keeps
/// what was typed; <see cref="ToJson"/> sends only the chosen type's fields, since the Api refuses the others.
/// </summary>
public sealed class RestForm
{
    /// <summary>The pagination types; an empty type is one request.</summary>
    public static readonly IReadOnlyList<string> PaginationTypes = ["nextLink", "page", "cursor", "offset"];

    public string Url { get; set; } = "";

    public List<NameValueRow> Headers { get; } = [];

    public string RecordsPath { get; set; } = "";

    /// <summary>Empty for one request, or one of <see cref="PaginationTypes"/>.</summary>
    public string PaginationType { get; set; } = "";

    /// <summary>nextLink and cursor: where the next link or cursor is in a response.</summary>
    public string Path { get; set; } = "";

    /// <summary>page, cursor and offset: the query parameter of the page number, cursor or offset.</summary>
    public string Param { get; set; } = "";

    /// <summary>page: the query parameter of the page size.</summary>
    public string SizeParam { get; set; } = "";

    /// <summary>offset: the query parameter of the page size.</summary>
    public string LimitParam { get; set; } = "";

    /// <summary>page and offset: records per page.</summary>
    public int? Size { get; set; }

    public string CursorField { get; set; } = "";

    public string CursorParam { get; set; } = "";

    /// <summary>Which pagination fields a type takes, in the order the form shows them.</summary>
    public static IReadOnlyList<string> FieldsOf(string type) => type switch
    {
        "nextLink" => ["path"],
        "page" => ["param", "sizeParam", "size"],
        "cursor" => ["param", "path"],
        "offset" => ["param", "size", "limitParam"],
        _ => [],
    };

    public static RestForm From(RestSettings? rest)
    {
        var form = new RestForm
        {
            Url = rest?.Url ?? "",
            RecordsPath = rest?.RecordsPath ?? "",
            PaginationType = rest?.Pagination?.Type ?? "",
            Path = rest?.Pagination?.Path ?? "",
            Param = rest?.Pagination?.Param ?? "",
            SizeParam = rest?.Pagination?.SizeParam ?? "",
            LimitParam = rest?.Pagination?.LimitParam ?? "",
            Size = rest?.Pagination?.Size,
            CursorField = rest?.Incremental?.CursorField ?? "",
            CursorParam = rest?.Incremental?.Param ?? "",
        };
        form.Headers.AddRange((rest?.Headers ?? new Dictionary<string, string>()).Select(h => new NameValueRow { Name = h.Key, Value = h.Value }));
        return form;
    }

    /// <summary>A header given twice (names ignore case), which a JSON object cannot hold.</summary>
    public string? Problem()
    {
        var twice = Headers.Where(h => !h.IsBlank).GroupBy(h => h.Name.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"rest.headers: '{twice.Key}' is given twice; keep one row for it.";
    }

    public JsonObject ToJson()
    {
        var rest = new JsonObject { ["url"] = Url.Trim() };
        if (DefinitionJson.Pairs(Headers) is { } headers)
        {
            rest["headers"] = headers;
        }

        DefinitionJson.AddText(rest, "recordsPath", RecordsPath);
        if (PaginationType.Length > 0)
        {
            var pagination = new JsonObject { ["type"] = PaginationType };
            foreach (var field in FieldsOf(PaginationType))
            {
                if (field == "size")
                {
                    if (Size is { } size)
                    {
                        pagination["size"] = size;
                    }
                }
                else
                {
                    DefinitionJson.AddText(pagination, field, field switch { "path" => Path, "param" => Param, "sizeParam" => SizeParam, _ => LimitParam });
                }
            }

            rest["pagination"] = pagination;
        }

        if (!string.IsNullOrWhiteSpace(CursorField) || !string.IsNullOrWhiteSpace(CursorParam))
        {
            rest["incremental"] = new JsonObject { ["cursorField"] = CursorField.Trim(), ["param"] = CursorParam.Trim() };
        }

        return rest;
    }
}
