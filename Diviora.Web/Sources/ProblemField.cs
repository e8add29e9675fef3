using System.Text.RegularExpressions;

namespace Diviora.Web.Sources;

/// <summary>
/// The field a refusal names. The Api's messages about a definition start with the path of the first bad field
/// (<c>rest.headers['Authorization'] carries credentials ...</c>); the form marks that input as invalid.
/// </summary>
public static partial class ProblemField
{
    /// <summary>The path a message starts with (<c>rest.pagination.size</c>, <c>mapping.columns['id']</c>), or null.</summary>
    public static string? Of(string? message) =>
        message is not null && Path().Match(message) is { Success: true } match ? match.Groups["path"].Value : null;

    // Only the definition's own fields: "There is already a source ..." names none.
    [GeneratedRegex(@"^(?<path>(?:name|kind|dataset|schedule|timeZone|enabled|mapping|rest|database|dropzone)(?:\.[a-zA-Z]+|\['[^']*'\])*)(?=[ :])")]
    private static partial Regex Path();
}
