using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Diviora.Api.Access;
using Diviora.Core.Secrets;
using Diviora.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Diviora.Api.Apis;

/// <summary>
/// Secrets: values such as API tokens that sources refer to as <c>secret:name</c>. Values go in and never come out:
/// no answer, problem detail or log line carries one.
/// </summary>
public static class SecretsApi
{
    // Enough for the largest value even when every byte is written as a \uXXXX escape; more is refused unread.
    private const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        // Secret names are for the people who wire sources: Readers see sources, not the secrets behind them.
        var api = app.MapGroup("/api/secrets").WithTags("Secrets").RequireAuthorization(AppRoles.Editor);
        api.MapGet("/", ListSecretsAsync).WithName("ListSecrets").WithSummary("List secrets: names and when each last changed, never values");
        api.MapPut("/{name}", PutSecretAsync).WithName("PutSecret")
            .WithSummary("Store a secret's value, encrypted at rest, replacing any earlier value")
            .WithDescription($"name: {SecretName.Rule}; case-insensitive. Body: {{ \"value\": \"...\", \"allowedHosts\": [\"api.example.com\", \"db.internal:5432\"] }}: " +
                $"the value a non-empty string of at most {ISecretStore.MaxValueBytes / 1024} KiB of UTF-8; allowedHosts at most {SecretHosts.MaxCount} of {SecretHosts.Rule}. " +
                "Sources refer to it as secret:name; it is sent only to the hosts listed (a REST request to that host and port, a database connection to that server), " +
                "and a secret with no hosts is stored but never sent. The value is write-only: no endpoint returns it.")
            .Accepts<SecretBody>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapDelete("/{name}", DeleteSecretAsync).WithName("DeleteSecret").WithSummary("Delete a secret")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(AppRoles.Admin);
        return app;
    }

    internal static async Task<Ok<SecretResponse[]>> ListSecretsAsync(ISecretStore secrets, CancellationToken cancellationToken) =>
        TypedResults.Ok((await secrets.ListAsync(cancellationToken)).Select(s => new SecretResponse(s.Name, s.UpdatedAt, s.UpdatedBy, s.AllowedHosts)).ToArray());

    internal static async Task<Results<NoContent, ProblemHttpResult>> PutSecretAsync(
        string name, HttpRequest request, ClaimsPrincipal user, ISecretStore secrets, CancellationToken cancellationToken)
    {
        if (!SecretName.IsValid(name))
        {
            return Problems.InvalidSecretName(name);
        }

        if (SmallBodies.NotJson(request, "secret body") is { } notJson)
        {
            return notJson;
        }

        SecretBody? body;
        try
        {
            await using var limited = new ByteLimitStream(request.Body, MaxBodyBytes, limit => new BodyTooLargeException("secret body", limit));
            body = await JsonSerializer.DeserializeAsync<SecretBody>(limited, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (BodyTooLargeException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Secret too large");
        }
        catch (JsonException e)
        {
            // The serializer's own message may quote the text around the error, which can be part of the value.
            return Problems.InvalidSecret(
                $"The body must be JSON {{ \"value\": \"...\", \"allowedHosts\": [...] }} with the value a string and the hosts an array of strings; it is not " +
                $"(at {e.Path ?? "$"}, line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        if (string.IsNullOrEmpty(body?.Value))
        {
            return Problems.InvalidSecret("value: missing or empty. Send { \"value\": \"...\" } with a non-empty string.");
        }

        var bytes = Encoding.UTF8.GetByteCount(body.Value);
        if (bytes > ISecretStore.MaxValueBytes)
        {
            return Problems.InvalidSecret($"value: {bytes:N0} bytes of UTF-8, more than the limit of {ISecretStore.MaxValueBytes:N0} (64 KiB).");
        }

        if (!SecretHosts.TryParse(body.AllowedHosts, out var hosts, out var badHost))
        {
            return Problems.InvalidSecret(badHost!);
        }

        await secrets.SetAsync(name, body.Value, hosts, Actor.NameOf(user), cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteSecretAsync(string name, ISecretStore secrets, CancellationToken cancellationToken)
    {
        if (!SecretName.IsValid(name))
        {
            return Problems.InvalidSecretName(name);
        }

        return await secrets.DeleteAsync(name, cancellationToken) ? TypedResults.NoContent() : Problems.SecretNotFound(name);
    }
}
