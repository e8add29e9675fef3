using Diviora.Core.Catalog;
using Diviora.Core.Query;
using Diviora.Core.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Diviora.Api.Apis;

/// <summary>RFC 9457 problem details for the errors users can act on.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static ProblemHttpResult InvalidDatasetName(string name) =>
        BadRequest("Invalid dataset name", $"'{Shown(name)}' is not a valid dataset name: use {DatasetName.Rule}.");

    public static ProblemHttpResult DatasetNotFound(string name) =>
        TypedResults.Problem($"There is no dataset '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Dataset not found");

    public static ProblemHttpResult InvalidSourceName(string name) =>
        BadRequest("Invalid source name", $"'{Shown(name)}' is not a valid source name: use {DatasetName.Rule}.");

    /// <summary>A source definition that cannot be kept; <paramref name="detail"/> starts with the field's path.</summary>
    public static ProblemHttpResult InvalidSource(string detail) => BadRequest("Invalid source definition", detail);

    public static ProblemHttpResult SourceNotFound(string name) =>
        TypedResults.Problem($"There is no source '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Source not found");

    public static ProblemHttpResult SourceExists(string name) =>
        TypedResults.Problem(
            $"There is already a source '{name}' (names are unique ignoring case): change it with PUT /api/sources/{name}, or pick another name.",
            statusCode: StatusCodes.Status409Conflict, title: "Source exists");

    public static ProblemHttpResult InvalidSecretName(string name) =>
        BadRequest("Invalid secret name", $"'{Shown(name)}' is not a valid secret name: use {SecretName.Rule}.");

    /// <summary>A secret body that cannot be stored; <paramref name="detail"/> says why and never quotes the value.</summary>
    public static ProblemHttpResult InvalidSecret(string detail) => BadRequest("Invalid secret", detail);

    public static ProblemHttpResult SecretNotFound(string name) =>
        TypedResults.Problem($"There is no secret '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Secret not found");

    /// <summary>A name as a person can read it in a message: line breaks and other control characters written as escapes (<c>\n</c>).</summary>
    internal static string Shown(string name)
    {
        if (!name.Any(char.IsControl))
        {
            return name;
        }

        var shown = new System.Text.StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return shown.ToString();
    }

    /// <summary>A query that cannot run: which parameter, where in it, and why.</summary>
    public static ProblemHttpResult InvalidQuery(QueryException e) =>
        TypedResults.Problem(
            e.Message, statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {e.Parameter}",
            extensions: new Dictionary<string, object?> { ["parameter"] = e.Parameter, ["position"] = e.Position < 0 ? null : e.Position });
}
