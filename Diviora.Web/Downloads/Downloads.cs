using Diviora.Web.Api;
using Diviora.Web.Identity;

namespace Diviora.Web.Downloads;

/// <summary>
/// Downloads the browser starts (exports, rejects files), passed through from the Api as they stream: the browser
/// only ever talks to the Web, and the Api need not be reachable from outside.
/// </summary>
public static class Downloads
{
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder app)
    {
        var downloads = app.MapGroup("/download").ExcludeFromDescription();
        downloads.MapGet("/datasets/{dataset}/export", (string dataset, HttpContext context, IHttpClientFactory clients, UserTokens tokens) =>
            PassThroughAsync(context, clients, tokens, $"/api/datasets/{Uri.EscapeDataString(dataset)}/export{ExportQuery(context.Request.Query)}"));
        downloads.MapGet("/runs/{id:guid}/rejects.csv", (Guid id, HttpContext context, IHttpClientFactory clients, UserTokens tokens) =>
            PassThroughAsync(context, clients, tokens, $"/api/runs/{id}/rejects.csv"));
        return app;
    }

    /// <summary>
    /// Only what the grid's export links carry goes on to the Api: a link someone else made cannot switch off the
    /// protection of CSV cells against spreadsheet formulas (<c>raw=true</c>).
    /// </summary>
    private static QueryString ExportQuery(IQueryCollection query) => ApiPassThrough.Only(query, "format", "filter", "orderBy", "select");

    private static async Task PassThroughAsync(HttpContext context, IHttpClientFactory clients, UserTokens tokens, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        // The Api checks the query before it streams, so its first answer comes quickly; the body may take minutes.
        await ApiPassThrough.SendAsync(context, clients, tokens, request, HeadersTimeout, "download");
    }
}
