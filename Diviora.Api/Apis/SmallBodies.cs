using Diviora.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Diviora.Api.Apis;

/// <summary>Request bodies that are settings or definitions: read whole, but only up to a limit.</summary>
internal static class SmallBodies
{
    /// <summary>The body as text, or a 413 problem when it passes <paramref name="limit"/> bytes (<paramref name="what"/> names it).</summary>
    public static async Task<(string? Text, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, long limit, string what, string title, CancellationToken cancellationToken)
    {
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
}
