using Diviora.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Diviora.Api.Apis;

/// <summary>Request bodies that are settings or definitions: read whole, but only up to a limit.</summary>
internal static class SmallBodies
{
    /// <summary>
    /// The JSON body as text; a 415 problem when the request does not say it is JSON, or a 413 problem when it passes
    /// <paramref name="limit"/> bytes (<paramref name="what"/> names it).
    /// </summary>
    public static async Task<(string? Text, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, long limit, string what, string title, CancellationToken cancellationToken)
    {
        if (NotJson(request, what) is { } notJson)
        {
            return (null, notJson);
        }

        // The limit keeps a huge body from being read into memory.
        using var body = new StreamReader(new ByteLimitStream(request.Body, limit, bytes => new BodyTooLargeException(what, bytes)));
        try
        {
            return (await body.ReadToEndAsync(cancellationToken), null);
        }
        catch (BodyTooLargeException e)
        {
            return (null, TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: title));
        }
    }

    /// <summary>
    /// A 415 problem unless the request's Content-Type is JSON: a form or text/plain body (which a browser may send
    /// across sites without asking) is never read as JSON.
    /// </summary>
    public static ProblemHttpResult? NotJson(HttpRequest request, string what) =>
        request.HasJsonContentType()
            ? null
            : TypedResults.Problem(
                $"The {what} must be sent with 'Content-Type: application/json'; it was {(string.IsNullOrEmpty(request.ContentType) ? "missing" : $"'{request.ContentType}'")}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
}
