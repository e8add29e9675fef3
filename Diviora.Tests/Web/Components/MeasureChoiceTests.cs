using Diviora.Web.Charts;

namespace Diviora.Tests.Web.Components;

/// <summary>Measures picked in the chart form and read back from a saved chart.</summary>
[Trait("Category", "Unit")]
public sealed class MeasureChoiceTests
{
    [Fact]
    public void Count_needs_no_column() =>
        Assert.Equal("count()", new MeasureChoice { Function = "count", Column = "ignored" }.ToText());

    [Fact]
    public void A_column_that_needs_quoting_is_quoted() =>
        Assert.Equal("sum(\"Net Amount\")", new MeasureChoice { Function = "sum", Column = "Net Amount" }.ToText());

    [Fact]
    public void A_measure_without_its_column_is_not_ready() =>
        Assert.Null(new MeasureChoice { Function = "max" }.ToText());

    [Fact]
    public void Split_keeps_commas_inside_quotes_and_parentheses()
    {
        Assert.Equal(["count()", "sum(\"Net Amount\")", "max(day)"], MeasureChoice.Split("count(),sum(\"Net Amount\"),max(day)"));
        Assert.Equal(["a,b", "c"], MeasureChoice.Split("\"a,b\", c"));
    }

    [Fact]
    public void Saved_measures_read_back_as_the_choices_that_wrote_them()
    {
        const string saved = "count(),sum(\"Net Amount\"),max(day)";

        var choices = MeasureChoice.Parse(saved).ToList();

        Assert.Equal(["count", "sum", "max"], choices.Select(c => c.Function));
        Assert.Equal(["", "Net Amount", "day"], choices.Select(c => c.Column));
        Assert.Equal(saved, string.Join(",", choices.Select(c => c.ToText())));
    }

    [Fact]
    public void A_column_with_a_double_quote_survives_the_round_trip()
    {
        var text = new MeasureChoice { Function = "avg", Column = "say \"hi\"" }.ToText()!;

        var choice = Assert.Single(MeasureChoice.Parse(text));

        Assert.Equal("say \"hi\"", choice.Column);
        Assert.Equal(text, choice.ToText());
    }

    [Fact]
    public void Function_names_read_in_any_case_and_text_that_is_no_measure_is_skipped()
    {
        var choices = MeasureChoice.Parse("SUM(amount), amount, countdistinct(\"in\")").ToList();

        Assert.Equal(["sum", "countdistinct"], choices.Select(c => c.Function));
        Assert.Equal(["amount", "in"], choices.Select(c => c.Column));
    }
}
