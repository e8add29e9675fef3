using System.Globalization;
using Diviora.Core.Catalog;
using Diviora.Core.Query;

namespace Diviora.Tests.Query;

[Trait("Category", "Unit")]
public sealed class QueryParserTests
{
    private static readonly DatasetColumn[] Columns = Dataset(
        ("amount", ColumnType.Decimal),
        ("id", ColumnType.Integer),
        ("name", ColumnType.Text),
        ("active", ColumnType.Boolean),
        ("score", ColumnType.Double),
        ("day", ColumnType.Date),
        ("at", ColumnType.Timestamp),
        ("seen", ColumnType.TimestampTz),
        ("Contact Phone", ColumnType.Text),
        ("address.city", ColumnType.Text),
        ("na\"me", ColumnType.Text),
        ("zip", ColumnType.Text),
        ("in", ColumnType.Text));

    // Structure

    [Theory]
    [InlineData("not id eq 1 and id eq 2 or id eq 3", "((not id Eq 1 and id Eq 2) or id Eq 3)")]
    [InlineData("id eq 1 or id eq 2 and id eq 3", "(id Eq 1 or (id Eq 2 and id Eq 3))")]
    [InlineData("(id eq 1 or id eq 2) and id eq 3", "((id Eq 1 or id Eq 2) and id Eq 3)")]
    [InlineData("id eq 1 and id eq 2 and id eq 3", "((id Eq 1 and id Eq 2) and id Eq 3)")]
    [InlineData("id eq 1 or id eq 2 or id eq 3", "((id Eq 1 or id Eq 2) or id Eq 3)")]
    [InlineData("not (id eq 1 or id eq 2)", "not (id Eq 1 or id Eq 2)")]
    [InlineData("not not id eq 1", "not not id Eq 1")]
    [InlineData("((id eq 1))", "id Eq 1")]
    public void Not_binds_tighter_than_and_which_binds_tighter_than_or(string filter, string tree)
    {
        Assert.Equal(tree, Show(Filter(filter)));
    }

    [Fact]
    public void Keywords_are_read_in_any_letter_case()
    {
        var filter = Filter("NOT id EQ 1 AnD name Contains 'x' Or zip IS NOT NULL or StartsWith(name, 'y')");

        Assert.Equal("(((not id Eq 1 and name Contains x) or not zip null) or name StartsWith y)", Show(filter));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" \t\r\n")]
    public void A_blank_filter_is_no_filter(string? text)
    {
        Assert.Null(QueryParser.ParseFilter(text, Columns));
    }

    [Theory]
    [InlineData("eq", ComparisonOperator.Eq)]
    [InlineData("ne", ComparisonOperator.Ne)]
    [InlineData("gt", ComparisonOperator.Gt)]
    [InlineData("ge", ComparisonOperator.Ge)]
    [InlineData("lt", ComparisonOperator.Lt)]
    [InlineData("le", ComparisonOperator.Le)]
    public void Reads_every_comparison_operator(string op, ComparisonOperator expected)
    {
        var comparison = Assert.IsType<ComparisonExpression>(Filter($"amount {op} 10"));

        Assert.Same(Columns[0], comparison.Column);
        Assert.Equal(expected, comparison.Operator);
        Assert.Equal(10m, comparison.Value);
    }

    [Fact]
    public void Reads_an_in_list_with_values_of_the_column_type()
    {
        var list = Assert.IsType<InExpression>(Filter("id in (1, -2,3)"));

        Assert.Equal("id", list.Column.Name);
        Assert.Equal([1L, -2L, 3L], list.Values);
    }

    [Fact]
    public void Reads_dates_in_an_in_list_bare_or_quoted()
    {
        var list = Assert.IsType<InExpression>(Filter("day in (2024-01-01, '2024-01-02')"));

        Assert.Equal([new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2)], list.Values);
    }

    [Fact]
    public void Is_null_and_is_not_null_wrap_the_same_node()
    {
        Assert.Equal(new IsNullExpression(Columns[2]), Filter("name is null"));
        Assert.Equal(new NotExpression(new IsNullExpression(Columns[2])), Filter("name is not null"));
    }

    [Theory]
    [InlineData("name contains 'GmbH'", TextMatch.Contains)]
    [InlineData("name startswith 'GmbH'", TextMatch.StartsWith)]
    [InlineData("contains(name, 'GmbH')", TextMatch.Contains)]
    [InlineData("startswith( name ,'GmbH' )", TextMatch.StartsWith)]
    public void Reads_text_matches_as_operators_and_as_functions(string filter, TextMatch kind)
    {
        Assert.Equal(new TextMatchExpression(Columns[2], kind, "GmbH"), Filter(filter));
    }

    // Literals

    [Fact]
    public void Text_takes_a_quoted_string_with_doubled_quotes()
    {
        Assert.Equal("it's", Value("name eq 'it''s'"));
        Assert.Equal("", Value("name eq ''"));
        Assert.Equal("08123", Value("zip eq '08123'"));
    }

    [Fact]
    public void Integer_takes_whole_numbers_as_long()
    {
        Assert.Equal(-42L, Value("id eq -42"));
        Assert.Equal(long.MaxValue, Value("id eq 9223372036854775807"));
    }

    [Theory]
    [InlineData("id eq 1.5", "column 'id' is integer, so expected a whole number")]
    [InlineData("id eq 1e3", "found '1e3'")]
    [InlineData("id eq 9223372036854775808", "out of range for integer column 'id'")]
    [InlineData("id eq '42'", "without quotes")]
    public void Integer_refuses_other_values(string filter, string message)
    {
        AssertError(() => Filter(filter), "filter", 6, message);
    }

    [Fact]
    public void Decimal_keeps_the_scale_and_converts_exponents()
    {
        Assert.Equal("1.50", Assert.IsType<decimal>(Value("amount eq 1.50")).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(1500m, Value("amount eq 1.5e3"));
        Assert.Equal(0.02m, Value("amount eq 2E-2"));
        Assert.Equal(-7m, Value("amount eq -7"));
    }

    [Theory]
    [InlineData("amount eq 1e40")]
    [InlineData("amount eq 1e-40")]
    [InlineData("amount eq 1.5e-28")]
    [InlineData("amount eq 1234567890123456789012345678.9")]
    public void Decimal_refuses_numbers_it_would_round(string filter)
    {
        AssertError(() => Filter(filter), "filter", 10, "does not fit decimal column 'amount'");
    }

    [Fact]
    public void Double_takes_any_finite_number()
    {
        Assert.Equal(6.02e23, Value("score eq 6.02e23"));
        Assert.Equal(-1d, Value("score eq -1"));
        AssertError(() => Filter("score eq 1e999"), "filter", 9, "does not fit double column 'score'");
    }

    [Fact]
    public void Boolean_takes_true_and_false_in_any_letter_case()
    {
        Assert.Equal(true, Value("active eq true"));
        Assert.Equal(false, Value("active ne FALSE"));
    }

    [Theory]
    [InlineData("active eq 1")]
    [InlineData("active eq 'true'")]
    public void Boolean_refuses_numbers_and_strings(string filter)
    {
        AssertError(() => Filter(filter), "filter", 10, "column 'active' is boolean, so expected true or false");
    }

    [Theory]
    [InlineData("gt")]
    [InlineData("ge")]
    [InlineData("lt")]
    [InlineData("le")]
    public void Boolean_columns_have_no_order(string op)
    {
        AssertError(() => Filter($"active {op} true"), "filter", 7, "use eq or ne");
    }

    [Fact]
    public void Date_takes_an_iso_date_bare_or_quoted()
    {
        Assert.Equal(new DateOnly(2024, 1, 31), Value("day eq 2024-01-31"));
        Assert.Equal(new DateOnly(2024, 2, 29), Value("day eq '2024-02-29'"));
    }

    [Theory]
    [InlineData("day eq 2024-02-30")]
    [InlineData("day eq 2024-01-31T10:00:00")]
    [InlineData("day eq '31.01.2024'")]
    [InlineData("day eq 20240131")]
    public void Date_refuses_other_forms(string filter)
    {
        AssertError(() => Filter(filter), "filter", 7, "column 'day' is date, so expected a date (2024-01-31)");
    }

    [Theory]
    [InlineData("at ge 2024-01-31T10:00:00", "2024-01-31T10:00:00.0000000")]
    [InlineData("at ge 2024-01-31T10:00", "2024-01-31T10:00:00.0000000")]
    [InlineData("at ge 2024-01-31T10:00:00.25", "2024-01-31T10:00:00.2500000")]
    [InlineData("at ge 2024-01-31", "2024-01-31T00:00:00.0000000")]
    [InlineData("at ge '2024-01-31T10:00:00'", "2024-01-31T10:00:00.0000000")]
    public void Timestamp_takes_iso_forms_without_offset_as_unspecified(string filter, string expected)
    {
        var value = Assert.IsType<DateTime>(Value(filter));

        Assert.Equal(expected, value.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Unspecified, value.Kind);
    }

    [Theory]
    [InlineData("at ge 2024-01-31T10:00:00Z")]
    [InlineData("at ge 2024-01-31T10:00:00+02:00")]
    [InlineData("at ge 2024-01-31 10:00:00")]
    public void Timestamp_refuses_offsets_and_other_forms(string filter)
    {
        AssertError(() => Filter(filter), "filter", 6, "column 'at' is timestamp, so expected a date and time without offset");
    }

    [Theory]
    [InlineData("2024-01-31T10:00:00+02:00", "2024-01-31T10:00:00.0000000+02:00")]
    [InlineData("2024-01-31T10:00:00-05:30", "2024-01-31T10:00:00.0000000-05:30")]
    [InlineData("2024-01-31T10:00:00Z", "2024-01-31T10:00:00.0000000+00:00")]
    [InlineData("2024-01-31T10:00:00", "2024-01-31T10:00:00.0000000+00:00")]
    [InlineData("2024-01-31T10:00:00.5+01:00", "2024-01-31T10:00:00.5000000+01:00")]
    [InlineData("2024-01-31", "2024-01-31T00:00:00.0000000+00:00")]
    [InlineData("'2024-01-31T10:00:00+02:00'", "2024-01-31T10:00:00.0000000+02:00")]
    public void TimestampTz_keeps_the_offset_and_takes_none_as_utc(string literal, string expected)
    {
        var value = Assert.IsType<DateTimeOffset>(Value($"seen lt {literal}"));

        Assert.Equal(expected, value.ToString("O", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("seen lt 2024-13-01")]
    [InlineData("seen lt 2024-01-31T25:00:00Z")]
    [InlineData("seen lt 2024-01-31T10:00:00+2")]
    public void TimestampTz_refuses_impossible_values(string filter)
    {
        AssertError(() => Filter(filter), "filter", 8, "column 'seen' is timestamptz");
    }

    [Fact]
    public void A_number_against_a_text_column_must_be_quoted()
    {
        AssertError(() => Filter("zip eq 08123"), "filter", 7, "column 'zip' is text, so expected text in single quotes ('08123'), found '08123'");
        AssertError(() => Filter("name eq true"), "filter", 8, "single quotes ('true')");
        AssertError(() => Filter("name eq 2024-01-31"), "filter", 8, "single quotes ('2024-01-31')");
    }

    [Fact]
    public void Null_as_a_value_points_to_is_null()
    {
        AssertError(() => Filter("name eq null"), "filter", 8, "write name is null, or is not null");
        AssertError(() => Filter("name in ('a', NULL)"), "filter", 14, "is null");
    }

    [Theory]
    [InlineData("name eq bob", "found 'bob'; text is written in single quotes ('bob')")]
    [InlineData("name eq \"bob\"", "found \"bob\"; text is written in single quotes ('bob')")]
    [InlineData("name eq id", "found 'id'")]
    [InlineData("name eq \"it's\"", "found \"it's\"; text is written in single quotes ('it''s')")]
    public void A_name_where_a_value_belongs_suggests_single_quotes(string filter, string message)
    {
        AssertError(() => Filter(filter), "filter", 8, message);
    }

    [Theory]
    [InlineData("amount contains '1'", 7)]
    [InlineData("day startswith '2024'", 4)]
    [InlineData("contains(amount, '1')", 0)]
    public void Text_matches_apply_to_text_columns_only(string filter, int position)
    {
        var error = AssertError(() => Filter(filter), "filter", position, "applies to text columns only");
        Assert.Matches("column '(amount' is decimal|day' is date)", error.Message);
    }

    [Theory]
    [InlineData("name contains 1", 14)]
    [InlineData("name startswith \"x\"", 16)]
    [InlineData("contains(name, x)", 15)]
    public void Text_matches_take_a_quoted_string(string filter, int position)
    {
        AssertError(() => Filter(filter), "filter", position, "expected text in single quotes");
    }

    // Names

    [Fact]
    public void Resolves_names_exactly_then_ignoring_case_when_unique()
    {
        var columns = Dataset(("code", ColumnType.Text), ("Code", ColumnType.Text), ("Name", ColumnType.Text));

        Assert.Same(columns[1], Column(QueryParser.ParseFilter("Code eq 'x'", columns)));
        Assert.Same(columns[0], Column(QueryParser.ParseFilter("code eq 'x'", columns)));
        Assert.Same(columns[2], Column(QueryParser.ParseFilter("NAME eq 'x'", columns)));
    }

    [Fact]
    public void A_name_matching_several_columns_by_case_only_is_ambiguous()
    {
        var columns = Dataset(("code", ColumnType.Text), ("Code", ColumnType.Text));

        var error = AssertError(() => QueryParser.ParseFilter("code eq 'a' or CODE eq 'x'", columns), "filter", 15, "'CODE' matches code, Code");
        Assert.Contains("exact letter case", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Contact Phone\" eq '1'", "Contact Phone")]
    [InlineData("\"contact phone\" eq '1'", "Contact Phone")]
    [InlineData("\"na\"\"me\" eq 'x'", "na\"me")]
    [InlineData("address.city eq 'Berlin'", "address.city")]
    [InlineData("\"in\" eq 'x'", "in")]
    public void Resolves_quoted_and_dotted_names(string filter, string name)
    {
        Assert.Equal(name, Column(Filter(filter)).Name);
    }

    [Fact]
    public void An_unknown_column_lists_the_columns()
    {
        var error = AssertError(() => Filter("name eq 'x' and contry eq 'DE'"), "filter", 16, "unknown column 'contry'; the columns are: amount, id, name, ");

        Assert.Contains("\"Contact Phone\", address.city, \"na\"\"me\", zip, \"in\".", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_list_of_columns_is_cut_after_twenty()
    {
        var columns = Enumerable.Range(0, 30).Select(i => Column($"c{i}", ColumnType.Text, i)).ToArray();

        var error = AssertError(() => QueryParser.ParseFilter("x eq 'a'", columns), "filter", 0, "c0, c1,");
        Assert.EndsWith("c19, ... (30 in all).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c20", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("in eq 'x'", 0, "the keyword 'in'; a column with that name is written in double quotes: \"in\"")]
    [InlineData("id eq 1 and and eq 2", 12, "the keyword 'and'")]
    [InlineData("contains eq 'x'", 0, "\"contains\"")]
    public void A_keyword_in_name_position_suggests_quoting(string filter, int position, string message)
    {
        AssertError(() => Filter(filter), "filter", position, message);
    }

    [Fact]
    public void A_quoted_look_alike_name_is_an_unknown_column()
    {
        AssertError(() => Filter("\"n\u0430me\" eq 'x'"), "filter", 0, "unknown column \"n\u0430me\"");
    }

    [Theory]
    [InlineData("n\u0430me eq 'x'", 1, "'\u0430' (U+0430)")]
    [InlineData("\uff4eame eq 'x'", 0, "'\uff4e' (U+FF4E)")]
    [InlineData("name eq \u2018x\u2019", 8, "'\u2018' (U+2018)")]
    [InlineData("name\u00a0eq 'x'", 4, "'\u00a0' (U+00A0)")]
    [InlineData("name eq '\U0001F600' or \U0001F600", 16, "'\U0001F600' (U+1F600)")]
    public void Look_alike_characters_outside_quotes_are_refused(string filter, int position, string message)
    {
        AssertError(() => Filter(filter), "filter", position, "unexpected character " + message);
    }

    [Fact]
    public void A_letter_outside_ascii_suggests_double_quotes()
    {
        AssertError(() => Filter("gr\u00f6\u00dfe eq 1"), "filter", 2, "is written in double quotes");
    }

    // Errors

    [Fact]
    public void An_unknown_operator_says_what_was_expected()
    {
        var error = AssertError(() => Filter("amount equals 5"), "filter", 7, "");

        Assert.Equal(
            "filter: at position 7: expected an operator (eq, ne, gt, ge, lt, le, in, is, contains, startswith) after 'amount', found 'equals'.",
            error.Message);
    }

    [Theory]
    [InlineData("name eq 'abc", 8, "the string 'abc has no closing '")]
    [InlineData("name eq 'it''s", 8, "has no closing '")]
    [InlineData("\"Contact Phone eq 'x'", 0, "the quoted name \"Contact Phone eq 'x' has no closing \"")]
    public void An_unterminated_quote_points_at_its_start(string filter, int position, string message)
    {
        AssertError(() => Filter(filter), "filter", position, message);
    }

    [Theory]
    [InlineData("id eq 1 )", 8, "expected 'and', 'or' or the end of the filter after '1', found ')'")]
    [InlineData("id eq 1 id eq 2", 8, "found 'id'")]
    [InlineData("id eq", 5, "expected a value after 'eq', found the end of the filter")]
    [InlineData("id eq 1 and", 11, "expected a condition (a column name, 'not' or '(') after 'and', found the end of the filter")]
    [InlineData("not", 3, "expected a condition")]
    [InlineData("(id eq 1", 8, "expected 'and', 'or' or ')' to close the '(' at position 0")]
    [InlineData("()", 1, "found ')'")]
    [InlineData("id", 2, "expected an operator")]
    [InlineData("id is", 5, "expected 'null' or 'not null' after 'is'")]
    [InlineData("id is not 1", 10, "expected 'null' after 'not', found '1'")]
    [InlineData("id in 1", 6, "expected '(' and a list of values after 'in'")]
    [InlineData("id in ()", 7, "an 'in' list needs at least one value")]
    [InlineData("id in (1, )", 10, "expected a value after ','")]
    [InlineData("id in (1, 2", 11, "expected ',' or ')'")]
    [InlineData("contains(name 'x')", 14, "expected ','")]
    [InlineData("contains(name, 'x'", 18, "expected ')'")]
    [InlineData("1 eq id", 0, "expected a condition")]
    [InlineData("id = 1", 3, "comparisons are written eq, ne, gt, ge, lt, le")]
    [InlineData("id eq 1 && id eq 2", 8, "unexpected character '&'")]
    public void Syntax_errors_point_at_the_problem(string filter, int position, string message)
    {
        AssertError(() => Filter(filter), "filter", position, message);
    }

    [Theory]
    [InlineData("id eq 1abc", "'1abc' is not a value")]
    [InlineData("id eq 1.", "'1.' is not a value")]
    [InlineData("id eq 1e", "'1e' is not a value")]
    [InlineData("id eq 1.2.3", "'1.2.3' is not a value")]
    [InlineData("id eq 1-2", "'1-2' is not a value")]
    [InlineData("id eq 2024-01-31x", "'2024-01-31x' is not a value")]
    public void Malformed_numbers_are_refused_whole(string filter, string message)
    {
        AssertError(() => Filter(filter), "filter", 6, message);
    }

    [Theory]
    [InlineData("amount eq 1; drop table x", 11, "';' is not part of the query language")]
    [InlineData("name eq 'a' -- x", 12, "'--' is not part of the query language")]
    [InlineData("name eq 'a' /* x */", 12, "'/*' is not part of the query language")]
    [InlineData("name eq 'a'\0", 11, "control character U+0000")]
    [InlineData("name eq 'a\u0007'", 10, "control character U+0007")]
    [InlineData("name eq 'a'\u001b[2J", 11, "control character U+001B")]
    [InlineData("name eq 'a' or 1 eq 1 --", 15, "expected a condition")]
    public void Hostile_input_is_refused_with_its_position(string filter, int position, string message)
    {
        AssertError(() => Filter(filter), "filter", position, message);
    }

    [Fact]
    public void Injection_shaped_text_inside_quotes_is_only_a_value()
    {
        Assert.Equal("'; drop table x; --", Value("name eq '''; drop table x; --'"));
        Assert.Equal("a\" or \"1\"=\"1", Value("name eq 'a\" or \"1\"=\"1'"));
    }

    [Theory]
    [InlineData(")")]
    [InlineData("(")]
    [InlineData(",")]
    [InlineData("'")]
    [InlineData("\"")]
    [InlineData("\"\"")]
    [InlineData("-")]
    [InlineData(".5")]
    [InlineData("id in")]
    [InlineData("id in (")]
    [InlineData("contains(")]
    [InlineData("contains(name")]
    [InlineData("contains(name,")]
    [InlineData("not (")]
    [InlineData("id eq 1 or")]
    [InlineData("\ud800")]
    [InlineData("name eq 'x' \udc00")]
    [InlineData("\"\ud800\" eq 'x'")]
    public void Every_broken_filter_is_a_query_exception_inside_the_text(string filter)
    {
        var error = Assert.Throws<QueryException>(() => Filter(filter));

        Assert.Equal("filter", error.Parameter);
        Assert.InRange(error.Position, 0, filter.Length);
        Assert.StartsWith($"filter: at position {error.Position}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seen lt 0001-01-01T00:00:00+14:00")]
    [InlineData("seen lt 9999-12-31T23:59:59-14:00")]
    [InlineData("at lt 0000-01-01")]
    [InlineData("amount eq 1e-2147483648")]
    [InlineData("amount eq 1e2147483647")]
    [InlineData("amount eq 1e99999999999")]
    [InlineData("score eq -1e-400")]
    [InlineData("id eq -9223372036854775809")]
    public void Extreme_values_parse_or_fail_as_query_exceptions(string filter)
    {
        var error = Record.Exception(() => Filter(filter));

        Assert.True(error is null or QueryException, error?.ToString());
    }

    // Limits

    [Fact]
    public void A_filter_has_at_most_4000_characters()
    {
        var fits = "name eq '" + new string('x', QueryParser.MaxTextLength - 10) + "'";
        Assert.Equal(QueryParser.MaxTextLength, fits.Length);
        Assert.NotNull(Filter(fits));

        AssertError(() => Filter(fits + " "), "filter", 4000, "the text is 4001 characters long, more than 4000");
    }

    [Fact]
    public void Nesting_is_limited_to_32_levels()
    {
        Assert.NotNull(Filter(new string('(', 32) + "id eq 1" + new string(')', 32)));
        Assert.NotNull(Filter(string.Concat(Enumerable.Repeat("not ", 32)) + "id eq 1"));

        AssertError(() => Filter(new string('(', 33) + "id eq 1" + new string(')', 33)), "filter", 32, "more than 32 levels");
        AssertError(() => Filter(string.Concat(Enumerable.Repeat("not ", 33)) + "id eq 1"), "filter", 128, "more than 32 levels");
        AssertError(() => Filter(new string('(', 3000)), "filter", 32, "more than 32 levels");
    }

    [Fact]
    public void An_in_list_has_at_most_1000_values()
    {
        var thousand = string.Join(",", Enumerable.Range(0, 1000));
        Assert.Equal(1000, Assert.IsType<InExpression>(Filter($"id in ({thousand})")).Values.Count);

        var text = $"id in ({thousand},7)";
        AssertError(() => Filter(text), "filter", text.Length - 2, "at most 1000 values");
    }

    // orderBy

    [Fact]
    public void Orders_by_columns_ascending_unless_desc()
    {
        var terms = QueryParser.ParseOrderBy("amount desc, id,\"Contact Phone\" ASC, Name DESC", Columns);

        Assert.Equal(["amount desc", "id asc", "Contact Phone asc", "name desc"], terms.Select(t => $"{t.Column.Name} {(t.Descending ? "desc" : "asc")}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void A_blank_order_is_empty(string? text)
    {
        Assert.Empty(QueryParser.ParseOrderBy(text, Columns));
    }

    [Theory]
    [InlineData("amount, id desc, AMOUNT desc", 17, "column 'amount' appears twice")]
    [InlineData("amount descending", 7, "expected 'asc', 'desc', ',' or the end of the orderBy after 'amount', found 'descending'")]
    [InlineData("amount desc nulls last", 12, "found 'nulls'")]
    [InlineData("amount,", 7, "expected a column name after ',', found the end of the orderBy")]
    [InlineData("amount;", 6, "';' is not part of the query language")]
    [InlineData("total", 0, "unknown column 'total'")]
    public void Order_errors_name_the_orderBy_parameter(string text, int position, string message)
    {
        AssertError(() => QueryParser.ParseOrderBy(text, Columns), "orderBy", position, message);
    }

    // select and groupBy

    [Fact]
    public void A_blank_select_is_every_column_in_dataset_order()
    {
        DatasetColumn[] columns = [Column("b", ColumnType.Text, 1), Column("a", ColumnType.Text, 0)];

        Assert.Equal(["a", "b"], QueryParser.ParseSelect(null, columns).Select(c => c.Name));
        Assert.Equal(["a", "b"], QueryParser.ParseSelect("  ", columns).Select(c => c.Name));
    }

    [Fact]
    public void Select_keeps_the_order_written()
    {
        Assert.Equal(["zip", "Contact Phone", "address.city"], QueryParser.ParseSelect("zip, \"Contact Phone\" ,address.city", Columns).Select(c => c.Name));
    }

    [Theory]
    [InlineData("name, zip, name", 11, "column 'name' appears twice")]
    [InlineData("name zip", 5, "expected ',' or the end of the select after 'name', found 'zip'")]
    [InlineData("name,,zip", 5, "expected a column name after ',', found ','")]
    [InlineData("*", 0, "unexpected character '*'")]
    [InlineData("nmae", 0, "unknown column 'nmae'")]
    public void Select_errors_name_the_select_parameter(string text, int position, string message)
    {
        AssertError(() => QueryParser.ParseSelect(text, Columns), "select", position, message);
    }

    [Fact]
    public void Group_by_reads_names_and_is_empty_when_blank()
    {
        Assert.Empty(QueryParser.ParseGroupBy(null, Columns));
        Assert.Equal(["name", "day"], QueryParser.ParseGroupBy("name, DAY", Columns).Select(c => c.Name));
        AssertError(() => QueryParser.ParseGroupBy("name, day, Name", Columns), "groupBy", 11, "column 'name' appears twice");
        AssertError(() => QueryParser.ParseGroupBy("name)", Columns), "groupBy", 4, "',' or the end of the groupBy");
    }

    // measures

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\t")]
    public void Blank_measures_count_rows(string? text)
    {
        Assert.Equal([new Measure(MeasureKind.Count, null, "count()")], QueryParser.ParseMeasures(text, Columns));
    }

    [Fact]
    public void Reads_every_measure_with_its_canonical_name()
    {
        var measures = QueryParser.ParseMeasures(
            "count(), SUM(amount), avg( id ), min(day), max(\"Contact Phone\"), countdistinct(active), Count_Distinct(score), max(seen)", Columns);

        Assert.Equal(
            ["count()", "sum(amount)", "avg(id)", "min(day)", "max(Contact Phone)", "countdistinct(active)", "countdistinct(score)", "max(seen)"],
            measures.Select(m => m.Name));
        Assert.Equal(
            [MeasureKind.Count, MeasureKind.Sum, MeasureKind.Avg, MeasureKind.Min, MeasureKind.Max, MeasureKind.CountDistinct, MeasureKind.CountDistinct, MeasureKind.Max],
            measures.Select(m => m.Kind));
        Assert.Null(measures[0].Column);
        Assert.Same(Columns[0], measures[1].Column);
    }

    [Theory]
    [InlineData("sum(name)", 0, "sum() takes integer, decimal and double columns; column 'name' is text")]
    [InlineData("count(), avg(day)", 9, "avg() takes integer, decimal and double columns; column 'day' is date")]
    [InlineData("min(active)", 0, "min() takes every type but boolean; column 'active' is boolean")]
    [InlineData("max(active)", 0, "column 'active' is boolean")]
    public void Measures_check_the_column_type(string text, int position, string message)
    {
        AssertError(() => QueryParser.ParseMeasures(text, Columns), "measures", position, message);
    }

    [Theory]
    [InlineData("count(amount)", 6, "count takes no column: count() counts rows, and countdistinct(amount) counts distinct values")]
    [InlineData("count(*)", 6, "unexpected character '*'")]
    [InlineData("sum(amount), Sum(amount)", 13, "the measure sum(amount) appears twice")]
    [InlineData("count(), count()", 9, "the measure count() appears twice")]
    [InlineData("median(amount)", 0, "unknown measure 'median'; the measures are count(), sum(x)")]
    [InlineData("sum amount", 4, "expected '(' after 'sum', found 'amount'")]
    [InlineData("sum(amount", 10, "expected ')' after 'amount'")]
    [InlineData("sum()", 4, "expected a column name after '(', found ')'")]
    [InlineData("sum(total)", 4, "unknown column 'total'")]
    [InlineData("count() count()", 8, "expected ',' or the end of the measures")]
    [InlineData("'count()'", 0, "expected a measure such as count() or sum(amount), found 'count()'")]
    public void Measure_errors_say_what_was_expected(string text, int position, string message)
    {
        AssertError(() => QueryParser.ParseMeasures(text, Columns), "measures", position, message);
    }

    [Fact]
    public void At_most_20_measures()
    {
        var twenty = Columns.Where(c => c.Type != ColumnType.Boolean)
            .SelectMany(c => (string[])[$"min({c.Name})", $"max({c.Name})", $"countdistinct({c.Name})"])
            .Take(QueryParser.MaxMeasures)
            .ToArray();
        Assert.Equal(20, QueryParser.ParseMeasures(string.Join(", ", twenty), Columns).Count);

        var text = string.Join(", ", twenty) + ", count()";
        AssertError(() => QueryParser.ParseMeasures(text, Columns), "measures", text.Length - 7, "at most 20 measures");
    }

    // Helpers

    private static FilterExpression Filter(string text) => QueryParser.ParseFilter(text, Columns)!;

    private static object Value(string filter) => Assert.IsType<ComparisonExpression>(Filter(filter)).Value;

    private static DatasetColumn Column(FilterExpression? filter) => Assert.IsType<ComparisonExpression>(filter).Column;

    private static QueryException AssertError(Func<object?> parse, string parameter, int position, string message)
    {
        var error = Assert.Throws<QueryException>(parse);
        Assert.Equal(parameter, error.Parameter);
        Assert.Equal(position, error.Position);
        Assert.StartsWith($"{parameter}: at position {position}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        return error;
    }

    private static string Show(FilterExpression filter) => filter switch
    {
        AndExpression and => $"({Show(and.Left)} and {Show(and.Right)})",
        OrExpression or => $"({Show(or.Left)} or {Show(or.Right)})",
        NotExpression not => $"not {Show(not.Operand)}",
        ComparisonExpression c => string.Create(CultureInfo.InvariantCulture, $"{c.Column.Name} {c.Operator} {c.Value}"),
        IsNullExpression n => $"{n.Column.Name} null",
        TextMatchExpression t => $"{t.Column.Name} {t.Kind} {t.Value}",
        _ => filter.ToString(),
    };

    private static DatasetColumn[] Dataset(params (string Name, ColumnType Type)[] columns) =>
        [.. columns.Select((c, i) => Column(c.Name, c.Type, i))];

    private static DatasetColumn Column(string name, ColumnType type, int ordinal = 0) =>
        new() { Name = name, PhysicalName = $"c{ordinal}", Type = type, Ordinal = ordinal };
}
