using System.Net.Http.Headers;
using Diviora.Web.Api;
using Diviora.Web.Identity;
using Microsoft.AspNetCore.Http.Features;

namespace Diviora.Web.Uploads;

/// <summary>
/// <c>POST /upload/datasets/{dataset}</c>: the upload page's script sends each file here over plain HTTP, and the Web
/// streams the body on to the Api's upload route as the signed-in person. The bytes never pass through the page's
/// circuit, which made a 100 MB upload seven times slower than the Api alone.
/// </summary>
public static class UploadEndpoint
{
    /// <summary>
    /// The header the page's script sends. A form on another site cannot send it, and a script on another site could only
    /// after a CORS preflight, which the Web never grants (docs/security.md).
    /// </summary>
    public const string RequestHeader = "X-Diviora-Upload";

    /// <summary>Room for the multipart form around the file: its boundaries and part headers.</summary>
    private const long FormBytes = 1 << 20;

    /// <summary>The largest file accepted, <c>Diviora:Uploads:MaxFileBytes</c>: the Api's own limit, set to both by the AppHost.</summary>
    public static long MaxFileBytes(IConfiguration configuration) => configuration.GetValue<long?>("Diviora:Uploads:MaxFileBytes") ?? 4L << 30;

    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        app.MapPost("/upload/datasets/{dataset}", UploadAsync)
            .RequireAuthorization(policy => policy.RequireRole(AppRoles.AtLeast(AppRoles.Editor)))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task UploadAsync(string dataset, HttpContext context, IHttpClientFactory clients, UserTokens tokens, IConfiguration configuration)
    {
        if (CrossSiteRefusal(context.Request) is { } refusal)
        {
            await Results.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "Not sent by the Diviora page").ExecuteAsync(context);
            return;
        }

        // Kestrel's default 30 MB would cut real files short; the Api refuses a file over the limit with its own 413.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxFileBytes(configuration) + FormBytes;
        }

        var body = new StreamContent(context.Request.Body, 1 << 16);
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType))
        {
            body.Headers.ContentType = contentType;
        }

        body.Headers.ContentLength = context.Request.ContentLength;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/datasets/{Uri.EscapeDataString(dataset)}/uploads{ApiPassThrough.Only(context.Request.Query, "format", "delimiter", "encoding", "header", "sheet")}")
        {
            Content = body,
        };
        // The Api answers once the whole file is stored, so no timeout for its first answer: the browser's pace sets it.
        await ApiPassThrough.SendAsync(context, clients, tokens, request, headersTimeout: null, "upload");
    }

    /// <summary>
    /// Why a request did not come from the Diviora page itself, or null when it did: the page's header, and the browser's
    /// word that the request is same-origin (<c>Sec-Fetch-Site</c>, or <c>Origin</c> from a browser that sends no fetch metadata).
    /// </summary>
    internal static string? CrossSiteRefusal(HttpRequest request)
    {
        if (request.Headers[RequestHeader] != "1")
        {
            return $"Uploads are sent by the Diviora upload page, with the header {RequestHeader}: 1.";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site == "same-origin" ? null : $"An upload from another site ({site}) is refused.";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var from) && from.Authority == request.Host.Value)
            ? null
            : $"An upload from {origin} is refused.";
    }
}
