using System.Security.Claims;
using Diviora.Core.Catalog;

namespace Diviora.Api.Access;

/// <summary>Who a request acts for, as runs and definitions record it.</summary>
internal static class Actor
{
    /// <summary>
    /// The token's <c>name</c> (a person), else the client it was issued to (<c>client_id</c> in RFC 9068 tokens,
    /// <c>azp</c> or <c>appid</c> in Entra's), else its <c>sub</c>.
    /// </summary>
    public static string NameOf(ClaimsPrincipal user) =>
        First(user, "name", "preferred_username", "client_id", "azp", "appid", "sub") ?? "unknown";

    private static string? First(ClaimsPrincipal user, params string[] types)
    {
        foreach (var type in types)
        {
            if (user.FindFirst(type)?.Value is { Length: > 0 } value)
            {
                return value.Length <= RunStarters.MaxLength ? value : value[..RunStarters.MaxLength];
            }
        }

        return null;
    }
}
