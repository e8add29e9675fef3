using System.Net.Http.Headers;
using Diviora.Web.Identity;
using Microsoft.AspNetCore.Http.Extensions;

namespace Diviora.Web.Api;

/// <summary>
/// Passes a request the browser made on to the Api as the signed-in person, and the Api's answer back as it streams:
/// the browser only ever talks to the Web, and the Api need not be reachable from outside.
/// </summary>
internal static class ApiPassThrough
{
    /// <summary>
    /// Sends <paramref name="request"/> with the person's own access token (the Api checks their role, not the Web's) and
    /// copies the status, the body's headers and the body. A problem (400, 404, 413) passes through as the Api wrote it,
    /// so the browser shows its message. <paramref name="headersTimeout"/> bounds the wait for the Api's first answer;
    /// null waits as long as the request's own body takes to send.
    /// </summary>
    public static async Task SendAsync(HttpContext context, IHttpClientFactory clients, UserTokens tokens, HttpRequestMessage request,
        TimeSpan? headersTimeout, string what)
    {
        var http = clients.CreateClient(Extensions.Extensions.TransferClient);
        if (await tokens.GetAccessTokenAsync(context.RequestAborted) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            if (headersTimeout is { } timeout)
            {
                headers.CancelAfter(timeout);
            }

            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                await Results.Problem($"The Diviora Api is not answering ({e.Message}); try the {what} again in a moment.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "The Api is not answering").ExecuteAsync(context);
                return;
            }
            catch (OperationCanceledException)
            {
                // The browser went away (a page closed mid-upload): nobody is left to answer.
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

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>
    /// The parameters of <paramref name="query"/> named in <paramref name="names"/>, each given once, and nothing else:
    /// a link or a script someone else wrote cannot pass the Api a parameter the Web's own pages never send.
    /// </summary>
    public static QueryString Only(IQueryCollection query, params ReadOnlySpan<string> names)
    {
        var passed = new QueryBuilder();
        foreach (var name in names)
        {
            if (query.TryGetValue(name, out var value) && value.Count == 1)
            {
                passed.Add(name, value.ToString());
            }
        }

        return passed.ToQueryString();
    }
}
