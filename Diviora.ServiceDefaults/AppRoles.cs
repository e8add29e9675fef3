using System.Security.Claims;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The three roles of Diviora, as app roles in a token's <c>roles</c> claim (Entra app roles, or the local provider's),
/// for the Api that checks them and the Web that shows what they allow. Each includes the one before it: Admin can do
/// all an Editor can, an Editor all a Reader can.
/// </summary>
public static class AppRoles
{
    public const string Reader = nameof(Reader);
    public const string Editor = nameof(Editor);
    public const string Admin = nameof(Admin);

    /// <summary>The claim that carries app roles, in Entra's tokens and the local provider's alike.</summary>
    public const string ClaimType = "roles";

    /// <summary>The roles from the least to the most.</summary>
    private static readonly string[] Ranked = [Reader, Editor, Admin];

    /// <summary>The roles that satisfy <paramref name="role"/>: it and every role above it.</summary>
    public static string[] AtLeast(string role) =>
        Array.IndexOf(Ranked, role) is var rank and >= 0
            ? Ranked[rank..]
            : throw new ArgumentOutOfRangeException(nameof(role), role, "Not a Diviora role.");

    /// <summary>Whether <paramref name="user"/> holds <paramref name="role"/> or a higher one.</summary>
    public static bool Allows(ClaimsPrincipal user, string role) => AtLeast(role).Any(user.IsInRole);

    /// <summary>The highest Diviora role of <paramref name="user"/>, or null when they hold none.</summary>
    public static string? Highest(ClaimsPrincipal user) => Ranked.LastOrDefault(user.IsInRole);
}
