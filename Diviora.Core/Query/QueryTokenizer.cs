using System.Globalization;
using System.Text;

namespace Diviora.Core.Query;

/// <summary>
/// Splits a query parameter into tokens. Only ASCII is allowed outside quotes, so a look-alike character
/// (a fullwidth letter, a curly quote, a non-breaking space) is an error here rather than a surprise later.
/// </summary>
internal sealed class QueryTokenizer(string parameter, string text)
{
    private int _position;

    /// <summary>
    /// The next token, or <see cref="TokenKind.End"/> again and again. Tokens are read as the parser asks for them,
    /// so the first problem reported is the leftmost one.
    /// </summary>
    public QueryToken Next()
    {
        var i = _position;
        while (i < text.Length && IsBlank(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            _position = i;
            return new(TokenKind.End, i, 0, "");
        }

        var c = text[i];
        var token = c switch
        {
            '(' => new(TokenKind.Open, i, 1, "("),
            ')' => new(TokenKind.Close, i, 1, ")"),
            ',' => new(TokenKind.Comma, i, 1, ","),
            '\'' => Quoted(i, TokenKind.Text),
            '"' => Quoted(i, TokenKind.QuotedName),
            _ when char.IsAsciiLetter(c) || c == '_' => Word(i),
            _ when char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])) => NumberOrTemporal(i),
            _ => throw Unexpected(i),
        };
        _position = token.Start + token.Length;
        return token;
    }

    /// <summary>The whitespace between tokens; any other control character is refused.</summary>
    public static bool IsBlank(char c) => c is ' ' or '\t' or '\r' or '\n';

    public static bool IsWordPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';

    private QueryToken Word(int start)
    {
        var end = start + 1;
        while (end < text.Length && IsWordPart(text[end]))
        {
            end++;
        }

        // n\u0430me: report the look-alike letter, not an unknown column 'n'.
        if (end < text.Length && !char.IsAscii(text[end]))
        {
            throw Unexpected(end);
        }

        return new(TokenKind.Word, start, end - start, text[start..end]);
    }

    private QueryToken Quoted(int start, TokenKind kind)
    {
        var quote = text[start];
        var value = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    value.Append(quote);
                    i++;
                    continue;
                }

                return new(kind, start, i + 1 - start, value.ToString());
            }

            if (char.IsControl(c))
            {
                throw Error(i, ControlCharacter(c));
            }

            value.Append(c);
        }

        var what = kind == TokenKind.Text ? "string" : "quoted name";
        throw Error(start, $"the {what} {QueryParser.Excerpt(text[start..])} has no closing {quote}; write {quote}{quote} for a {quote} inside it");
    }

    private QueryToken NumberOrTemporal(int start)
    {
        var i = start + (text[start] == '-' ? 1 : 0);
        var digits = i;
        SkipDigits(ref i);
        var kind = TokenKind.Number;
        if (digits == start && i - digits == 4 && i + 1 < text.Length && text[i] == '-' && char.IsAsciiDigit(text[i + 1]))
        {
            // yyyy-: the shape is checked when the value meets its column's type.
            kind = TokenKind.Temporal;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '-' or ':' or '.' or '+' or 'T' or 'Z' || IsSpacedTime(i)))
            {
                i++;
            }
        }
        else
        {
            if (i < text.Length && text[i] == '.' && !SkipDigits(ref i, 1))
            {
                throw Malformed(start);
            }

            if (i < text.Length && text[i] is 'e' or 'E' && !SkipDigits(ref i, i + 1 < text.Length && text[i + 1] is '+' or '-' ? 2 : 1))
            {
                throw Malformed(start);
            }
        }

        // 1abc, 1.5.3 and 1-2 are one mistake, not a number followed by something.
        if (i < text.Length && (IsWordPart(text[i]) || text[i] is '-' or '+' or ':'))
        {
            throw Malformed(start);
        }

        return new(kind, start, i - start, text[start..i]);
    }

    /// <summary>
    /// A space before <c>HH:</c>: <c>2024-01-31 10:00:00</c> is read as one value, so the message about it
    /// shows the whole of it and the expected <c>T</c> form.
    /// </summary>
    private bool IsSpacedTime(int i) =>
        text[i] == ' ' && i + 3 < text.Length && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && text[i + 3] == ':';

    /// <summary>Skips <paramref name="prefix"/> characters and then digits; false when there are no digits.</summary>
    private bool SkipDigits(ref int i, int prefix = 0)
    {
        var first = i += prefix;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i > first;
    }

    private QueryException Malformed(int start)
    {
        var end = start + 1;
        while (end < text.Length && (IsWordPart(text[end]) || text[end] is '-' or '+' or ':'))
        {
            end++;
        }

        return Error(
            start,
            $"'{QueryParser.Excerpt(text[start..end])}' is not a value; numbers are written like 42, -3.5 or 6.02e23, dates like 2024-01-31 " +
            "and text in single quotes");
    }

    private QueryException Unexpected(int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        var message = c switch
        {
            ';' => "';' is not part of the query language; a parameter holds one expression",
            '-' when next == '-' => "'--' is not part of the query language; comments are not allowed",
            '/' when next == '*' => "'/*' is not part of the query language; comments are not allowed",
            _ when char.IsControl(c) => ControlCharacter(c),
            '=' or '<' or '>' or '!' when parameter == "filter" => $"unexpected '{c}'; comparisons are written eq, ne, gt, ge, lt, le",
            _ => UnexpectedCharacter(i),
        };
        return Error(i, message);
    }

    private string UnexpectedCharacter(int i)
    {
        // A whole code point, so an emoji is shown as itself rather than as half a surrogate pair.
        if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out _) != System.Buffers.OperationStatus.Done)
        {
            return $"unexpected character U+{(int)text[i]:X4}";
        }

        var code = rune.Value.ToString("X4", CultureInfo.InvariantCulture);
        return Rune.IsLetterOrDigit(rune)
            ? $"unexpected character '{rune}' (U+{code}); a name with characters other than A-Z, a-z, 0-9, _ and . is written in double quotes"
            : $"unexpected character '{rune}' (U+{code})";
    }

    private QueryException Error(int position, string message) => QueryParser.Error(parameter, position, message);

    private static string ControlCharacter(char c) => $"control character U+{(int)c:X4} is not allowed";
}
