namespace Diviora.Core.Query;

/// <summary>What a token of a query parameter is.</summary>
internal enum TokenKind
{
    /// <summary>A bare name or keyword: <c>amount</c>, <c>address.city</c>, <c>eq</c>.</summary>
    Word,
    /// <summary>A name in double quotes: <c>"Contact Phone"</c>.</summary>
    QuotedName,
    /// <summary>A string in single quotes: <c>'it''s'</c>.</summary>
    Text,
    /// <summary><c>-?digits[.digits][e±digits]</c>.</summary>
    Number,
    /// <summary>A bare ISO date or timestamp: <c>2024-01-31</c>, <c>2024-01-31T10:00:00+02:00</c>.</summary>
    Temporal,
    Open,
    Close,
    Comma,
    End,
}

/// <summary>
/// One token: <see cref="Value"/> is the unquoted text of a quoted name or string, the source text otherwise;
/// <see cref="Start"/> and <see cref="Length"/> locate it in the source.
/// </summary>
internal readonly record struct QueryToken(TokenKind Kind, int Start, int Length, string Value);
