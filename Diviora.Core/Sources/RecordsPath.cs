namespace Diviora.Core.Sources;

/// <summary>
/// The JSONPath subset that points into a REST response: <c>$</c> (the whole body), member steps <c>$.a.b</c>
/// (names of letters, digits, <c>_</c> or <c>-</c>, not starting with a digit or <c>-</c>), and for records a final
/// <c>[*]</c> (<c>$.data[*]</c>: each element of the array). Records at an array are its elements, at an object the
/// object itself; so <c>$.data</c> and <c>$.data[*]</c> read the same array. Filters, indexes, slices, recursive
/// descent (<c>..</c>) and quoted names (<c>['a b']</c>) are not supported.
/// </summary>
public sealed class RecordsPath
{
    private RecordsPath(IReadOnlyList<string> members, bool eachElement)
    {
        Members = members;
        EachElement = eachElement;
    }

    /// <summary>The member names from the root, in order; empty for <c>$</c>.</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>True when the path ends with <c>[*]</c>.</summary>
    public bool EachElement { get; }

    /// <summary>The subset in words, for error messages.</summary>
    public const string Rule = "'$', '$.a.b' or '$.a[*]' (member names of letters, digits, '_' or '-')";

    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="allowEachElement"/> is false for a path that must name one value
    /// (a next link, a cursor). On failure <paramref name="error"/> says where (1-based character) and why.
    /// </summary>
    public static RecordsPath? TryParse(string? path, bool allowEachElement, out string? error)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            error = $"must start with '$': use {Rule}.";
            return null;
        }

        var members = new List<string>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var start = ++i;
                while (i < path.Length && (char.IsAsciiLetterOrDigit(path[i]) || path[i] is '_' or '-'))
                {
                    i++;
                }

                if (i == start || char.IsAsciiDigit(path[start]) || path[start] == '-')
                {
                    error = $"needs a member name at character {start + 1}: use {Rule}.";
                    return null;
                }

                members.Add(path[start..i]);
            }
            else if (path.AsSpan(i).SequenceEqual("[*]"))
            {
                if (!allowEachElement)
                {
                    error = "must name one value, so it cannot end with '[*]'.";
                    return null;
                }

                error = null;
                return new RecordsPath(members, eachElement: true);
            }
            else
            {
                error = $"has '{path[i]}' at character {i + 1}, which the supported subset does not allow: use {Rule}.";
                return null;
            }
        }

        error = null;
        return new RecordsPath(members, eachElement: false);
    }
}
