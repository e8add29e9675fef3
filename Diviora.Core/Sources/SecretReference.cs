using System.Text.RegularExpressions;

namespace Diviora.Core.Sources;

/// <summary>
/// A reference to a stored secret, <c>secret:name</c>, written where a definition needs a password, a token or a
/// connection string. Definitions keep and return the reference, never the value; a run resolves it.
/// </summary>
public static partial class SecretReference
{
    /// <summary>What every reference starts with.</summary>
    public const string Prefix = "secret:";

    /// <summary>The rule for the name after the prefix, in words.</summary>
    public const string Rule = "'secret:' then 1-63 letters, digits, '_' or '-', starting with a letter";

    /// <summary>True when <paramref name="value"/> is written as a reference (valid or not).</summary>
    public static bool LooksLikeReference(string? value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="value"/> is a well-formed reference.</summary>
    public static bool IsValid(string? value) => LooksLikeReference(value) && Name().IsMatch(value.AsSpan(Prefix.Length));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
