using System.Text;

namespace Diviora.Core.Sources.Rest;

/// <summary>Builds page URLs and writes them for messages.</summary>
internal static class RestUrl
{
    /// <summary><paramref name="url"/> with each of <paramref name="set"/> replacing a parameter of that name, or added at the end.</summary>
    public static Uri With(Uri url, IReadOnlyList<KeyValuePair<string, string>> set)
    {
        if (set.Count == 0)
        {
            return url;
        }

        var query = new StringBuilder();
        foreach (var part in Parts(url))
        {
            if (!set.Any(p => string.Equals(p.Key, Name(part), StringComparison.Ordinal)))
            {
                Append(query, part);
            }
        }

        foreach (var (name, value) in set)
        {
            Append(query, Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }

        return new UriBuilder(url) { Query = query.ToString() }.Uri;
    }

    /// <summary>
    /// The URL for a message: the query values of <paramref name="shown"/> (the parameters Diviora sets: page, offset,
    /// cursor, incremental) are kept, every other query value becomes <c>***</c>, since it may be a key someone put in the URL.
    /// </summary>
    public static string ForMessage(Uri url, IReadOnlyCollection<string> shown)
    {
        var query = new StringBuilder();
        foreach (var part in Parts(url))
        {
            var name = Name(part);
            Append(query, shown.Contains(name, StringComparer.Ordinal) || !part.Contains('=', StringComparison.Ordinal) ? part : part[..(part.IndexOf('=', StringComparison.Ordinal) + 1)] + "***");
        }

        return url.GetLeftPart(UriPartial.Path) + (query.Length > 0 ? "?" + query : string.Empty);
    }

    private static string[] Parts(Uri url) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries);

    private static string Name(string part)
    {
        var equals = part.IndexOf('=', StringComparison.Ordinal);
        return Uri.UnescapeDataString(equals < 0 ? part : part[..equals]);
    }

    private static void Append(StringBuilder query, string part) => query.Append(query.Length > 0 ? "&" : string.Empty).Append(part);
}
