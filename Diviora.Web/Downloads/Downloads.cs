using Diviora.Web.Extensions;
using Diviora.Web.Identity;
using Microsoft.AspNetCore.Http.Extensions;

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
    private static QueryString ExportQuery(IQueryCollection query)
    {
        var passed = new QueryBuilder();
        foreach (var name in new[] { "format", "filter", "orderBy", "select" })
        {
            if (query.TryGetValue(name, out var value) && value.Count == 1)
            {
                passed.Add(name, value.ToString());
            }
        }

        return passed.ToQueryString();
    }

    private static async Task PassThroughAsync(HttpContext context, IHttpClientFactory clients, UserTokens tokens, string pathAndQuery)
    {
        var http = clients.CreateClient(Extensions.Extensions.TransferClient);
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        // The download runs as the person who asked for it: the Api checks their role, not the Web's.
        if (await tokens.GetAccessTokenAsync(context.RequestAborted) is { } token)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        // The Api checks the query before it streams, so its first answer comes quickly; the body may take minutes.
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            headers.CancelAfter(HeadersTimeout);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                await Results.Problem($"The Diviora Api is not answering ({e.Message}); try the download again in a moment.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "The Api is not answering").ExecuteAsync(context);
                return;
            }
        }

        using var _ = response;
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
