namespace Diviora.Core.Sources;

/// <summary>
/// An early, friendly check of a database source's query: it must start with <c>select</c> or <c>with</c> and hold one
/// statement. It reads quotes as PostgreSQL, SQL Server and SQLite do (<c>'...'</c>, <c>"..."</c>, <c>[...]</c>,
/// PostgreSQL's <c>E'\''</c> and <c>$tag$...$tag$</c>, nested <c>/* */</c>), but it is not the boundary: the database is
/// (see <see cref="Database.DatabaseFetcher"/>), which runs the text as exactly one statement in a read-only session.
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
            if (c is '\'' && i > 0 && query[i - 1] is 'E' or 'e' && (i < 2 || !IsWordPart(query[i - 2])))
            {
                i = SkipEscapeString(query, i + 1);
            }
            else if (c == '$' && DollarTag(query, i) is { } tag)
            {
                var close = query.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = close < 0 ? query.Length : close + tag.Length;
            }
            else if (c is '\'' or '"' or '[' or '`')
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

    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    /// <summary>The index after the end of PostgreSQL's <c>E'...'</c> string whose text starts at <paramref name="i"/>: a backslash escapes the next character.</summary>
    private static int SkipEscapeString(string text, int i)
    {
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
            }
            else if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
            {
                i += 2;
            }
            else if (text[i] == '\'')
            {
                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    /// <summary>PostgreSQL's dollar-quote opening at <paramref name="i"/> (<c>$$</c>, <c>$body$</c>), or null: <c>$1</c> is a parameter, <c>a$b</c> a name.</summary>
    private static string? DollarTag(string text, int i)
    {
        if (i > 0 && IsWordPart(text[i - 1]))
        {
            return null;
        }

        var j = i + 1;
        if (j < text.Length && char.IsAsciiDigit(text[j]))
        {
            return null;
        }

        while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] == '_'))
        {
            j++;
        }

        return j < text.Length && text[j] == '$' ? text[i..(j + 1)] : null;
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
                // PostgreSQL and SQL Server nest block comments.
                var depth = 0;
                do
                {
                    if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
                    {
                        depth++;
                        i += 2;
                    }
                    else if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/')
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }
                while (depth > 0 && i < text.Length);
            }
            else
            {
                break;
            }
        }

        return i;
    }
}
