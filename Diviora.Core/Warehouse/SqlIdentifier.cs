using System.Text.RegularExpressions;

namespace Diviora.Core.Warehouse;

/// <summary>
/// The only identifiers Diviora puts into SQL: generated table and column names checked against a strict pattern
/// before a dialect quotes them. User-supplied names are mapped to these in the catalog and never reach SQL.
/// </summary>
public static partial class SqlIdentifier
{
    /// <summary>Returns <paramref name="identifier"/> when it is safe to quote, else throws.</summary>
    /// <exception cref="ArgumentException">The identifier does not match <c>^[a-z_][a-z0-9_-]{0,127}\z</c> (<c>\z</c>: <c>$</c> would also match before a final line feed).</exception>
    public static string Checked(string identifier) =>
        Pattern().IsMatch(identifier) ? identifier : throw new ArgumentException($"'{identifier}' is not a valid SQL identifier.", nameof(identifier));

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
