using Diviora.Web.Extensions;

namespace Diviora.Web.Downloads;

/// <summary>
/// Downloads the browser starts (exports, rejects files), passed through from the Api as they stream: the browser
/// only ever talks to the Web, and the Api need not be reachable from outside.
/// </summary>
public static class Downloads
{
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder app)
    {
        var downloads = app.MapGroup("/download").ExcludeFromDescription();
        downloads.MapGet("/datasets/{dataset}/export", (string dataset, HttpContext context, IHttpClientFactory clients) =>
            PassThroughAsync(context, clients, $"/api/datasets/{Uri.EscapeDataString(dataset)}/export{context.Request.QueryString}"));
        downloads.MapGet("/runs/{id:guid}/rejects.csv", (Guid id, HttpContext context, IHttpClientFactory clients) =>
            PassThroughAsync(context, clients, $"/api/runs/{id}/rejects.csv"));
        return app;
    }

    private static async Task PassThroughAsync(HttpContext context, IHttpClientFactory clients, string pathAndQuery)
    {
        var http = clients.CreateClient(Extensions.Extensions.TransferClient);
        using var response = await http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Content.Headers)
        {
            if (header.Key is "Content-Type" or "Content-Disposition" or "Content-Length")
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        // A problem (400, 404) passes through as the Api wrote it, so the browser shows its message.
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
