using System.Security.Claims;

namespace Diviora.Web.Identity;

/// <summary>The Api's roles as the Web shows them: each includes the one before it (Admin, then Editor, then Reader).</summary>
public static class WebRoles
{
    public const string Reader = nameof(Reader);
    public const string Editor = nameof(Editor);
    public const string Admin = nameof(Admin);

    private static readonly string[] Ranked = [Reader, Editor, Admin];

    /// <summary>Whether <paramref name="user"/> holds <paramref name="role"/> or a higher one.</summary>
    public static bool Allows(ClaimsPrincipal user, string role) =>
        Array.IndexOf(Ranked, Highest(user) ?? "") >= Array.IndexOf(Ranked, role);

    /// <summary>The highest Diviora role of <paramref name="user"/>, or null when they hold none.</summary>
    public static string? Highest(ClaimsPrincipal user)
    {
        for (var i = Ranked.Length - 1; i >= 0; i--)
        {
            if (user.IsInRole(Ranked[i]))
            {
                return Ranked[i];
            }
        }

        return null;
    }
}
