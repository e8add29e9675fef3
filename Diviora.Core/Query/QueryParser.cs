using System.Globalization;
using Diviora.Core.Catalog;

namespace Diviora.Core.Query;

/// <summary>
/// Parses the query parameters of the dataset rows Api (<c>filter</c>, <c>orderBy</c>, <c>select</c>,
/// <c>groupBy</c>, <c>measures</c>) against a dataset's columns. Names resolve to columns and literals to typed
/// values here; nothing is ever turned into SQL. Bad input throws <see cref="QueryException"/>. The language is
/// described for users in <c>docs/query.md</c>.
/// </summary>
public static class QueryParser
{
    /// <summary>A parameter's text has at most this many characters.</summary>
    public const int MaxTextLength = 4_000;

    /// <summary>A filter nests at most this many parentheses and <c>not</c>s inside each other.</summary>
    public const int MaxDepth = 32;

    /// <summary>An <c>in</c> list holds at most this many values.</summary>
    public const int MaxInValues = 1_000;

    /// <summary><c>measures</c> lists at most this many measures.</summary>
    public const int MaxMeasures = 20;

    /// <summary>A token quoted in a message is cut to this many characters.</summary>
    private const int ExcerptLength = 40;

    /// <summary>
    /// Parses a <c>filter</c>; null or blank text is no filter.
    /// <list type="bullet">
    /// <item>Comparisons: <c>amount gt 100</c>, with <c>eq ne gt ge lt le</c>; <c>gt ge lt le</c> do not apply to
    /// boolean columns.</item>
    /// <item><c>country in ('DE', 'FR')</c> (1 to 1,000 values), <c>email is null</c>, <c>email is not null</c>.</item>
    /// <item>Text columns only: <c>name contains 'GmbH'</c>, <c>name startswith 'A'</c>, also written
    /// <c>contains(name, 'GmbH')</c> and <c>startswith(name, 'A')</c>; case-sensitive.</item>
    /// <item><c>not</c> binds tighter than <c>and</c>, which binds tighter than <c>or</c>; parentheses group. At most
    /// 32 levels of parentheses and <c>not</c>.</item>
    /// <item>Names: bare (<c>address.city</c>, letters, digits, <c>_</c> and <c>.</c>) or in double quotes
    /// (<c>"Contact Phone"</c>, <c>""</c> for a quote inside). The exact name wins, else the one column that matches
    /// ignoring letter case. A column named like a keyword is written in double quotes.</item>
    /// <item>Values: text in single quotes (<c>'it''s'</c>), numbers (<c>42</c>, <c>-3.5</c>, <c>6.02e23</c>),
    /// <c>true</c>/<c>false</c>, and dates and timestamps in ISO form, bare or quoted (<c>2024-01-31</c>,
    /// <c>2024-01-31T10:00:00</c>, <c>2024-01-31T10:00:00+02:00</c>). Each value must fit its column's type: a text
    /// column takes only quoted text (<c>zip eq '08123'</c>), an integer column only whole numbers. A timestamptz
    /// value without offset is UTC, and a date alone is midnight.</item>
    /// <item>Keywords in any letter case. At most 4,000 characters. Outside quotes only ASCII is allowed.</item>
    /// </list>
    /// </summary>
    /// <exception cref="QueryException">The text is not a valid filter for these columns.</exception>
    public static FilterExpression? ParseFilter(string? text, IReadOnlyList<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return IsBlank(text) ? null : new FilterParser(new TokenReader("filter", text, columns)).Parse();
    }

    /// <summary>
    /// Parses <c>orderBy</c>: column names separated by commas, each optionally followed by <c>asc</c> (the default)
    /// or <c>desc</c>, for example <c>amount desc, id</c>. Blank text is no order; a column may appear once.
    /// </summary>
    /// <exception cref="QueryException">The text is not a valid order for these columns.</exception>
    public static IReadOnlyList<OrderTerm> ParseOrderBy(string? text, IReadOnlyList<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var terms = new List<OrderTerm>();
        if (IsBlank(text))
        {
            return terms;
        }

        var reader = new TokenReader("orderBy", text, columns);
        var seen = new HashSet<DatasetColumn>();
        do
        {
            var column = TakeNewColumn(reader, seen);
            var descending = reader.TakeWord("desc");
            if (!descending)
            {
                reader.TakeWord("asc");
            }

            terms.Add(new OrderTerm(column, descending));
        }
        while (reader.TakeIf(TokenKind.Comma));

        reader.ExpectEnd("'asc', 'desc', ',' or the end of the orderBy");
        return terms;
    }

    /// <summary>
    /// Parses <c>select</c>: column names separated by commas, each at most once. Blank text selects every column
    /// in dataset order.
    /// </summary>
    /// <exception cref="QueryException">A name is unknown or repeated.</exception>
    public static IReadOnlyList<DatasetColumn> ParseSelect(string? text, IReadOnlyList<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return IsBlank(text) ? [.. columns.OrderBy(c => c.Ordinal)] : ParseColumns("select", text, columns);
    }

    /// <summary>Parses <c>groupBy</c>: column names separated by commas, each at most once. Blank text groups by nothing.</summary>
    /// <exception cref="QueryException">A name is unknown or repeated.</exception>
    public static IReadOnlyList<DatasetColumn> ParseGroupBy(string? text, IReadOnlyList<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return IsBlank(text) ? [] : ParseColumns("groupBy", text, columns);
    }

    /// <summary>
    /// Parses <c>measures</c>: up to 20 of <c>count()</c> (rows), <c>sum(x)</c> and <c>avg(x)</c> (integer, decimal
    /// and double columns), <c>min(x)</c> and <c>max(x)</c> (any type but boolean) and <c>countdistinct(x)</c> (also
    /// <c>count_distinct(x)</c>), separated by commas, each at most once. Blank text is <c>count()</c> alone.
    /// </summary>
    /// <exception cref="QueryException">The text is not a valid list of measures for these columns.</exception>
    public static IReadOnlyList<Measure> ParseMeasures(string? text, IReadOnlyList<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (IsBlank(text))
        {
            return [new Measure(MeasureKind.Count, null, "count()")];
        }

        var reader = new TokenReader("measures", text, columns);
        var measures = new List<Measure>();
        do
        {
            var function = reader.Expect(TokenKind.Word, "a measure such as count() or sum(amount)");
            var kind = KindOf(function.Value) ?? throw reader.Error(
                function.Start, $"unknown measure '{function.Value}'; the measures are count(), sum(x), avg(x), min(x), max(x) and countdistinct(x)");
            reader.Expect(TokenKind.Open, "'('");
            DatasetColumn? column = null;
            if (kind == MeasureKind.Count)
            {
                if (reader.Peek.Kind != TokenKind.Close)
                {
                    var named = reader.Peek.Kind is TokenKind.Word or TokenKind.QuotedName ? TokenReader.Spell(reader.Peek.Value) : "x";
                    throw reader.Error(
                        reader.Peek.Start, $"count takes no column: count() counts rows, and countdistinct({named}) counts distinct values");
                }
            }
            else
            {
                column = reader.TakeColumn();
                CheckType(reader, function, kind, column);
            }

            reader.Expect(TokenKind.Close, "')'");
            var name = column is null ? "count()" : $"{NameOf(kind)}({column.Name})";
            if (measures.Exists(m => m.Kind == kind && m.Column == column))
            {
                throw reader.Error(function.Start, $"the measure {name} appears twice");
            }

            if (measures.Count == MaxMeasures)
            {
                throw reader.Error(function.Start, $"at most {MaxMeasures} measures are allowed");
            }

            measures.Add(new Measure(kind, column, name));
        }
        while (reader.TakeIf(TokenKind.Comma));

        reader.ExpectEnd("',' or the end of the measures");
        return measures;
    }

    /// <summary>
    /// The column a plain name (not query syntax: <c>Contact Phone</c> as it is) stands for, resolved as names in a
    /// filter are: the exact name first, else the one column that matches ignoring letter case.
    /// </summary>
    /// <exception cref="QueryException">No column, or more than one, has the name.</exception>
    public static DatasetColumn ResolveColumn(string parameter, string name, IReadOnlyList<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(columns);
        var spelled = TokenReader.Spell(name);
        return new TokenReader(parameter, spelled, columns).Resolve(new QueryToken(TokenKind.QuotedName, 0, spelled.Length, name));
    }

    /// <summary>The exception for a problem at <paramref name="position"/>, with both in its message.</summary>
    internal static QueryException Error(string parameter, int position, string message) =>
        new(parameter, position, string.Create(CultureInfo.InvariantCulture, $"{parameter}: at position {position}: {message}."));

    /// <summary>Text for a message, cut so that a 4,000-character token does not flood it, and never inside a surrogate pair.</summary>
    internal static string Excerpt(string text)
    {
        if (text.Length <= ExcerptLength)
        {
            return text;
        }

        var length = char.IsHighSurrogate(text[ExcerptLength - 1]) ? ExcerptLength - 1 : ExcerptLength;
        return string.Concat(text.AsSpan(0, length), "...");
    }

    private static bool IsBlank([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? text) =>
        text is null || text.All(QueryTokenizer.IsBlank);

    private static List<DatasetColumn> ParseColumns(string parameter, string text, IReadOnlyList<DatasetColumn> columns)
    {
        var reader = new TokenReader(parameter, text, columns);
        var seen = new HashSet<DatasetColumn>();
        var result = new List<DatasetColumn>();
        do
        {
            result.Add(TakeNewColumn(reader, seen));
        }
        while (reader.TakeIf(TokenKind.Comma));

        reader.ExpectEnd($"',' or the end of the {parameter}");
        return result;
    }

    private static DatasetColumn TakeNewColumn(TokenReader reader, HashSet<DatasetColumn> seen)
    {
        var start = reader.Peek.Start;
        var column = reader.TakeColumn();
        return seen.Add(column) ? column : throw reader.Error(start, $"column '{column.Name}' appears twice");
    }

    private static void CheckType(TokenReader reader, QueryToken function, MeasureKind kind, DatasetColumn column)
    {
        var fits = kind switch
        {
            MeasureKind.Sum or MeasureKind.Avg => column.Type is ColumnType.Integer or ColumnType.Decimal or ColumnType.Double,
            MeasureKind.Min or MeasureKind.Max => column.Type != ColumnType.Boolean,
            _ => true,
        };
        if (!fits)
        {
            var takes = kind is MeasureKind.Sum or MeasureKind.Avg ? "integer, decimal and double columns" : "every type but boolean";
            throw reader.Error(function.Start, $"{NameOf(kind)}() takes {takes}; {TokenReader.TypeOf(column)}");
        }
    }

    private static MeasureKind? KindOf(string function) => function.ToUpperInvariant() switch
    {
        "COUNT" => MeasureKind.Count,
        "SUM" => MeasureKind.Sum,
        "AVG" => MeasureKind.Avg,
        "MIN" => MeasureKind.Min,
        "MAX" => MeasureKind.Max,
        "COUNTDISTINCT" or "COUNT_DISTINCT" => MeasureKind.CountDistinct,
        _ => null,
    };

    private static string NameOf(MeasureKind kind) => kind switch
    {
        MeasureKind.Count => "count",
        MeasureKind.Sum => "sum",
        MeasureKind.Avg => "avg",
        MeasureKind.Min => "min",
        MeasureKind.Max => "max",
        _ => "countdistinct",
    };
}
