using System.Collections.Frozen;
using Diviora.Core.Catalog;

namespace Diviora.Core.Query;

/// <summary>
/// The recursive descent behind <see cref="QueryParser.ParseFilter"/>:
/// <code>
/// or        = and { "or" and }
/// and       = unary { "and" unary }
/// unary     = "not" unary | "(" or ")" | match "(" name "," string ")" | predicate
/// predicate = name ( compare value | "in" "(" value { "," value } ")" | "is" [ "not" ] "null" | match string )
/// </code>
/// </summary>
internal sealed class FilterParser(TokenReader reader)
{
    private const string Operators = "an operator (eq, ne, gt, ge, lt, le, in, is, contains, startswith)";

    private static readonly FrozenDictionary<string, ComparisonOperator> Comparisons = new Dictionary<string, ComparisonOperator>
    {
        ["eq"] = ComparisonOperator.Eq,
        ["ne"] = ComparisonOperator.Ne,
        ["gt"] = ComparisonOperator.Gt,
        ["ge"] = ComparisonOperator.Ge,
        ["lt"] = ComparisonOperator.Lt,
        ["le"] = ComparisonOperator.Le,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, TextMatch> Matches = new Dictionary<string, TextMatch>
    {
        ["contains"] = TextMatch.Contains,
        ["startswith"] = TextMatch.StartsWith,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Keywords = new[] { "and", "or", "not", "in", "is", "null", "true", "false" }
        .Concat(Comparisons.Keys).Concat(Matches.Keys).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private int _depth;

    /// <summary>A word that a bare name cannot be; a column with this name is written in double quotes.</summary>
    public static bool IsKeyword(string word) => Keywords.Contains(word);

    public FilterExpression Parse()
    {
        var filter = Or();
        reader.ExpectEnd("'and', 'or' or the end of the filter");
        return filter;
    }

    private FilterExpression Or()
    {
        var left = And();
        while (reader.TakeWord("or"))
        {
            left = new OrExpression(left, And());
        }

        return left;
    }

    private FilterExpression And()
    {
        var left = Unary();
        while (reader.TakeWord("and"))
        {
            left = new AndExpression(left, Unary());
        }

        return left;
    }

    private FilterExpression Unary()
    {
        var token = reader.Peek;
        if (TokenReader.IsWord(token, "not"))
        {
            Enter(reader.Take());
            var operand = Unary();
            _depth--;
            return new NotExpression(operand);
        }

        if (token.Kind == TokenKind.Open)
        {
            Enter(reader.Take());
            var inner = Or();
            reader.Expect(TokenKind.Close, $"'and', 'or' or ')' to close the '(' at position {token.Start}");
            _depth--;
            return inner;
        }

        if (token.Kind == TokenKind.Word && Matches.TryGetValue(token.Value, out var kind) && reader.PeekSecond.Kind == TokenKind.Open)
        {
            // contains(column, 'x'): the OData form of "column contains 'x'".
            reader.Take();
            reader.Take();
            var column = ReadColumn("a column name");
            reader.Expect(TokenKind.Comma, "','");
            var match = TextMatchOf(column, kind, token);
            reader.Expect(TokenKind.Close, "')'");
            return match;
        }

        return Predicate();
    }

    private FilterExpression Predicate()
    {
        var column = ReadColumn("a condition (a column name, 'not' or '(')");
        var op = reader.Peek;
        if (op.Kind != TokenKind.Word)
        {
            throw reader.Expected(Operators);
        }

        if (Comparisons.TryGetValue(op.Value, out var comparison))
        {
            reader.Take();
            if (column.Type == ColumnType.Boolean && comparison is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
            {
                throw reader.Error(op.Start, $"'{op.Value}' does not apply to boolean column '{column.Name}'; use eq or ne");
            }

            return new ComparisonExpression(column, comparison, Value(column));
        }

        if (Matches.TryGetValue(op.Value, out var kind))
        {
            reader.Take();
            return TextMatchOf(column, kind, op);
        }

        if (reader.TakeWord("in"))
        {
            return In(column);
        }

        if (reader.TakeWord("is"))
        {
            var negated = reader.TakeWord("not");
            if (!reader.TakeWord("null"))
            {
                throw reader.Expected(negated ? "'null'" : "'null' or 'not null'");
            }

            var isNull = new IsNullExpression(column);
            return negated ? new NotExpression(isNull) : isNull;
        }

        throw reader.Expected(Operators);
    }

    private InExpression In(DatasetColumn column)
    {
        reader.Expect(TokenKind.Open, "'(' and a list of values");
        if (reader.Peek.Kind == TokenKind.Close)
        {
            throw reader.Error(reader.Peek.Start, "an 'in' list needs at least one value");
        }

        var values = new List<object>();
        do
        {
            if (values.Count == QueryParser.MaxInValues)
            {
                throw reader.Error(reader.Peek.Start, $"an 'in' list holds at most {QueryParser.MaxInValues} values");
            }

            values.Add(Value(column));
        }
        while (reader.TakeIf(TokenKind.Comma));

        reader.Expect(TokenKind.Close, "',' or ')'");
        return new InExpression(column, values);
    }

    private TextMatchExpression TextMatchOf(DatasetColumn column, TextMatch kind, QueryToken op)
    {
        if (column.Type != ColumnType.Text)
        {
            throw reader.Error(op.Start, $"'{op.Value}' applies to text columns only; {TokenReader.TypeOf(column)}");
        }

        var value = reader.Peek.Kind == TokenKind.Text ? reader.Take() : throw reader.Expected("text in single quotes");
        return new TextMatchExpression(column, kind, value.Value);
    }

    private object Value(DatasetColumn column)
    {
        var value = QueryLiteral.Convert(reader, reader.Peek, column);
        reader.Take();
        return value;
    }

    private DatasetColumn ReadColumn(string expected)
    {
        var token = reader.Peek;
        if (token.Kind == TokenKind.Word && IsKeyword(token.Value))
        {
            throw reader.Error(
                token.Start,
                $"expected {expected}, found the keyword '{token.Value}'; a column with that name is written in double quotes: {TokenReader.Spell(token.Value)}");
        }

        return reader.TakeColumn(expected);
    }

    /// <summary>Counts a level of parentheses or <c>not</c>, so hostile nesting fails before the stack does.</summary>
    private void Enter(QueryToken token)
    {
        if (++_depth > QueryParser.MaxDepth)
        {
            throw reader.Error(token.Start, $"the filter nests more than {QueryParser.MaxDepth} levels of parentheses and 'not'");
        }
    }
}
