namespace Diviora.Api.Access;

/// <summary>
/// The three roles of Diviora, as app roles in a token's <c>roles</c> claim (Entra app roles, or the local provider's).
/// Each includes the one before it: Admin can do all an Editor can, an Editor all a Reader can.
/// </summary>
internal static class Roles
{
    public const string Reader = nameof(Reader);
    public const string Editor = nameof(Editor);
    public const string Admin = nameof(Admin);

    /// <summary>The claim that carries app roles, in Entra's tokens and the local provider's alike.</summary>
    public const string ClaimType = "roles";

    /// <summary>The roles that satisfy <paramref name="role"/>: it and every role above it.</summary>
    public static string[] AtLeast(string role) => role switch
    {
        Reader => [Reader, Editor, Admin],
        Editor => [Editor, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a Diviora role."),
    };
}
