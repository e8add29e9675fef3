using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Query;

/// <summary>
/// Walks the tokens of one query parameter and resolves names to columns. Every failure is a
/// <see cref="QueryException"/> that names the parameter, the position and the token found.
/// </summary>
internal sealed class TokenReader
{
    /// <summary>At most this many column names are listed in an "unknown column" message.</summary>
    private const int ListedColumns = 20;

    private readonly string _text;
    private readonly IReadOnlyList<DatasetColumn> _columns;
    private readonly QueryTokenizer _tokenizer;
    private readonly List<QueryToken> _tokens = [];
    private int _next;

    public TokenReader(string parameter, string text, IReadOnlyList<DatasetColumn> columns)
    {
        if (text.Length > QueryParser.MaxTextLength)
        {
            throw QueryParser.Error(parameter, QueryParser.MaxTextLength, $"the text is {text.Length} characters long, more than {QueryParser.MaxTextLength}");
        }

        Parameter = parameter;
        _text = text;
        _columns = columns;
        _tokenizer = new QueryTokenizer(parameter, text);
    }

    public string Parameter { get; }

    public QueryToken Peek => At(_next);

    public QueryToken PeekSecond => At(_next + 1);

    public QueryToken Take()
    {
        var token = Peek;
        if (token.Kind != TokenKind.End)
        {
            _next++;
        }

        return token;
    }

    public bool TakeIf(TokenKind kind)
    {
        if (Peek.Kind != kind)
        {
            return false;
        }

        Take();
        return true;
    }

    /// <summary>Takes the next token when it is the keyword <paramref name="word"/>, in any letter case.</summary>
    public bool TakeWord(string word)
    {
        if (!IsWord(Peek, word))
        {
            return false;
        }

        Take();
        return true;
    }

    public QueryToken Expect(TokenKind kind, string expected) => Peek.Kind == kind ? Take() : throw Expected(expected);

    public void ExpectEnd(string expected)
    {
        if (Peek.Kind != TokenKind.End)
        {
            throw Expected(expected);
        }
    }

    /// <summary>Reads a bare or quoted name and resolves it.</summary>
    public DatasetColumn TakeColumn(string expected = "a column name") =>
        Peek.Kind is TokenKind.Word or TokenKind.QuotedName ? Resolve(Take()) : throw Expected(expected);

    /// <summary>
    /// The column a name stands for: the exact name first, else the one column that matches ignoring letter case.
    /// </summary>
    public DatasetColumn Resolve(QueryToken name)
    {
        var matches = new List<DatasetColumn>();
        foreach (var column in _columns)
        {
            if (string.Equals(column.Name, name.Value, StringComparison.Ordinal))
            {
                return column;
            }

            if (string.Equals(column.Name, name.Value, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(column);
            }
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw Error(name.Start, $"unknown column {Describe(name)}; the columns are: {ColumnList(_columns)}"),
            _ => throw Error(name.Start, $"column {Describe(name)} matches {ColumnList(matches)} when letter case is ignored; write it with the exact letter case"),
        };
    }

    /// <summary>The token at <paramref name="index"/>, read when first needed; past the end, the end.</summary>
    private QueryToken At(int index)
    {
        while (_tokens.Count <= index && (_tokens.Count == 0 || _tokens[^1].Kind != TokenKind.End))
        {
            _tokens.Add(_tokenizer.Next());
        }

        return _tokens[Math.Min(index, _tokens.Count - 1)];
    }

    public QueryException Expected(string expected)
    {
        var after = _next > 0 ? $" after {Describe(_tokens[_next - 1])}" : "";
        return Error(Peek.Start, $"expected {expected}{after}, found {Describe(Peek)}");
    }

    public QueryException Error(int position, string message) => QueryParser.Error(Parameter, position, message);

    /// <summary>A token as the user wrote it, for a message: quoted, or "the end of the filter".</summary>
    public string Describe(QueryToken token) => token.Kind switch
    {
        TokenKind.End => $"the end of the {Parameter}",
        TokenKind.Text or TokenKind.QuotedName => QueryParser.Excerpt(_text.Substring(token.Start, token.Length)),
        _ => $"'{QueryParser.Excerpt(token.Value)}'",
    };

    /// <summary>A column and its type, for a message where the type is the problem: <c>column 'name' is text</c>.</summary>
    public static string TypeOf(DatasetColumn column) => $"column '{column.Name}' is {ColumnValues.Name(column.Type)}";

    public static bool IsWord(QueryToken token, string word) =>
        token.Kind == TokenKind.Word && string.Equals(token.Value, word, StringComparison.OrdinalIgnoreCase);

    private static string ColumnList(IReadOnlyList<DatasetColumn> columns)
    {
        if (columns.Count == 0)
        {
            return "none";
        }

        var names = columns.OrderBy(c => c.Ordinal).Take(ListedColumns).Select(c => Spell(c.Name));
        var list = string.Join(", ", names);
        return columns.Count > ListedColumns ? $"{list}, ... ({columns.Count} in all)" : list;
    }

    /// <summary>A name as it is written in a query: bare when it can be, else in double quotes.</summary>
    public static string Spell(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(QueryTokenizer.IsWordPart) && !FilterParser.IsKeyword(name)
            ? name
            : $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
