namespace Diviora.Core.Sources;

/// <summary>
/// A guard against mistakes in a database source's query: it must start with <c>select</c> or <c>with</c> and hold one
/// statement. It is not a security boundary: a <c>select</c> can call functions that write, so the rights of the
/// connection's user are what keep a source read-only. Give sources a user that may only read.
/// </summary>
public static class ReadOnlyQuery
{
    /// <summary>Why <paramref name="query"/> is refused, without the field name; null when it passes the guard.</summary>
    public static string? Check(string query) => Check(query, out _);

    /// <summary>
    /// <see cref="Check(string)"/>, and where the statement ends: at its closing <c>;</c>, or the end of the text. A fetcher
    /// that wraps the query in its own select takes the text before it, so a trailing <c>;</c> or comment cannot break the wrapper.
    /// </summary>
    internal static string? Check(string query, out int end)
    {
        end = query.Length;
        var i = SkipBlank(query, 0);
        var start = i;
        while (i < query.Length && char.IsAsciiLetter(query[i]))
        {
            i++;
        }

        var first = query[start..i];
        if (!first.Equals("select", StringComparison.OrdinalIgnoreCase) && !first.Equals("with", StringComparison.OrdinalIgnoreCase))
        {
            var shown = first.Length > 0 ? first : query.Substring(start, Math.Min(10, query.Length - start));
            return $"must start with select or with; it starts with '{shown}'.";
        }

        while (i < query.Length)
        {
            var c = query[i];
            if (c is '\'' or '"' or '[' or '`')
            {
                // Quoted text and names may hold ';': skip to the closing quote (a doubled quote escapes itself).
                var close = c == '[' ? ']' : c;
                i++;
                while (i < query.Length && !(query[i] == close && (i + 1 >= query.Length || query[i + 1] != close)))
                {
                    i += query[i] == close ? 2 : 1;
                }

                i++;
            }
            else if (IsCommentStart(query, i))
            {
                i = SkipBlank(query, i);
            }
            else if (c == ';')
            {
                if (SkipBlank(query, i + 1) < query.Length)
                {
                    return $"holds more than one statement: the ';' at character {i + 1} is followed by more. Give one select.";
                }

                end = i;
                return null;
            }
            else
            {
                i++;
            }
        }

        return null;
    }

    private static bool IsCommentStart(string text, int i) =>
        i + 1 < text.Length && ((text[i] == '-' && text[i + 1] == '-') || (text[i] == '/' && text[i + 1] == '*'));

    /// <summary>The index of the first character at or after <paramref name="i"/> that is neither white space nor in a comment.</summary>
    private static int SkipBlank(string text, int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (IsCommentStart(text, i) && text[i] == '-')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (IsCommentStart(text, i))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else
            {
                break;
            }
        }

        return i;
    }
}
