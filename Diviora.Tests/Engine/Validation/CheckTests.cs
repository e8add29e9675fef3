using Diviora.Core.Ingestion.Validation;
using System.Diagnostics;
using static Diviora.Tests.Engine.Validation.Run;

namespace Diviora.Tests.Engine.Validation;

[Trait("Category", "Unit")]
public class CheckTests
{
    [Fact]
    public void Required_RejectsNullAndEmpty()
    {
        var settings = Column() with { Required = true };
        Assert.Equal("a value is required", Apply(settings, null).Violation);
        Assert.Equal("a value is required", Apply(settings, "").Violation);
        Assert.True(Apply(settings, "x").IsValid);
    }

    [Fact]
    public void Required_WhitespaceCountsAsAValue_UnlessTrimmed()
    {
        Assert.True(Apply(Column() with { Required = true }, "  ").IsValid);
        Assert.Equal("a value is required", Apply(Column() with { Required = true, Trim = true }, "  ").Violation);
    }

    [Fact]
    public void MaxLength_RejectsLongerValues()
    {
        var settings = Column() with { MaxLength = 64 };
        string seventy = new('x', 70);
        Assert.Equal($"'{seventy}' is 70 characters long, more than 64", Apply(settings, seventy).Violation);
        Assert.True(Apply(settings, new string('x', 64)).IsValid);
    }

    [Fact]
    public void MaxLength_CountsCharsAfterTransforms()
    {
        Assert.True(Apply(Column() with { MaxLength = 2, Trim = true }, "  DE  ").IsValid);
        Assert.True(Apply(Column() with { MaxLength = 2, Default = Json("\"DE\"") }, null).IsValid);
        Assert.Equal(
            "'2024-12-31' is 10 characters long, more than 8",
            Apply(Column("date") with { MaxLength = 8, Format = "yyyyMMdd" }, "20241231").Violation);
    }

    [Fact]
    public void Violation_QuotesAtMost100Chars()
    {
        string value = new string('a', 100) + new string('b', 50);
        var violation = Apply(Column() with { MaxLength = 64 }, value).Violation;
        Assert.Equal($"'{new string('a', 100)}...' is 150 characters long, more than 64", violation);
    }

    [Fact]
    public void Violation_DoesNotCutASurrogatePairInHalf()
    {
        string value = new string('a', 99) + "😀" + new string('b', 10);
        var violation = Apply(Column() with { MaxLength = 64 }, value).Violation;
        Assert.StartsWith($"'{new string('a', 99)}...'", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Pattern_RejectsNonMatchingValues()
    {
        var settings = Column() with { Pattern = "^[A-Z]{2}$" };
        Assert.Equal("'x' does not match ^[A-Z]{2}$", Apply(settings, "x").Violation);
        Assert.True(Apply(settings, "DE").IsValid);
    }

    [Fact]
    public void Pattern_IsNotAnchoredForYou()
    {
        Assert.True(Apply(Column() with { Pattern = "[0-9]" }, "abc1").IsValid);
    }

    [Fact]
    public void Pattern_Catastrophic_AnswersAtOnceWithoutBacktracking()
    {
        // Exponential for a backtracking engine; linear without backtracking, so no timeout is even reached.
        var rules = ColumnRules.Compile(Column() with { Pattern = "^(a+)+$" });
        var watch = Stopwatch.StartNew();
        var result = Apply(rules, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", new ValueBuffer());
        var positive = Apply(rules, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa", new ValueBuffer());
        watch.Stop();

        Assert.Equal("'aaaaaaaaaaaaaaaaaaaaaaaaaaaa!' does not match ^(a+)+$", result.Violation);
        Assert.True(positive.IsValid);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, ColumnRules.PatternTimeout);
    }

    [Theory]
    [InlineData(@"^(a+)+\1$")]
    [InlineData(@"^(?=(a+)+$)a*$")]
    public void Pattern_ThatNeedsBacktracking_TimesOutIntoAReject(string pattern)
    {
        // Backreferences and lookarounds need the backtracking engine, which runs under the timeout.
        var rules = ColumnRules.Compile(Column() with { Pattern = pattern });
        var watch = Stopwatch.StartNew();
        var result = Apply(rules, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", new ValueBuffer());
        watch.Stop();

        Assert.Equal(
            $"pattern check timed out after 100 ms on 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'; simplify the pattern {pattern}", result.Violation);
        Assert.True(Apply(rules, "aaaa", new ValueBuffer()).IsValid);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Allowed_RejectsOtherValues_Ordinally()
    {
        var settings = Column() with { Allowed = ["DE", "FR"] };
        Assert.Equal("'XX' is not one of DE, FR", Apply(settings, "XX").Violation);
        Assert.Equal("'de' is not one of DE, FR", Apply(settings, "de").Violation);
        Assert.True(Apply(settings, "FR").IsValid);
    }

    [Fact]
    public void Allowed_ListsAtMostTenValues()
    {
        string[] values = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"];
        Assert.Equal(
            "'Z' is not one of A, B, C, D, E, F, G, H, I, J, ...",
            Apply(Column() with { Allowed = values }, "Z").Violation);
        Assert.Equal(
            "'Z' is not one of A, B, C, D, E, F, G, H, I, J",
            Apply(Column() with { Allowed = values[..10] }, "Z").Violation);
    }

    [Theory]
    [InlineData("-1", "'-1' is less than the minimum 0")]
    [InlineData("1000000.01", "'1000000.01' is more than the maximum 1000000")]
    [InlineData("1e7", "'1e7' is more than the maximum 1000000")]
    [InlineData("0", null)]
    [InlineData("0.00", null)]
    [InlineData("1000000", null)]
    [InlineData("abc", null)]
    public void MinMax_Decimal(string input, string? violation)
    {
        var settings = Column("decimal") with { Min = Json("0"), Max = Json("1000000") };
        Assert.Equal(violation, Apply(settings, input).Violation);
    }

    [Fact]
    public void MinMax_MessagesMatchTheSpecExamples()
    {
        var settings = Column("integer") with { Min = Json("0"), Max = Json("1") };
        Assert.Equal("'-1' is less than the minimum 0", Apply(settings, "-1").Violation);
        Assert.Equal("'2' is more than the maximum 1", Apply(settings, "2").Violation);
    }

    [Fact]
    public void MinMax_NumericStringBoundsAreAccepted()
    {
        Assert.Equal("'5' is less than the minimum 10", Apply(Column("integer") with { Min = Json("\"10\"") }, "5").Violation);
    }

    [Fact]
    public void MinMax_Double_ComparesValuesBeyondDecimalRange()
    {
        var settings = Column("double") with { Max = Json("1000") };
        Assert.Equal("'1e300' is more than the maximum 1000", Apply(settings, "1e300").Violation);
        Assert.Equal("'-1e300' is less than the minimum 0", Apply(Column("double") with { Min = Json("0") }, "-1e300").Violation);
        Assert.True(Apply(settings, "NaN").IsValid);
    }

    [Theory]
    [InlineData("2023-12-31", "'2023-12-31' is less than the minimum 2024-01-01")]
    [InlineData("2025-01-01", "'2025-01-01' is more than the maximum 2024-12-31")]
    [InlineData("2024-01-01", null)]
    [InlineData("2024-12-31", null)]
    [InlineData("31/12/2023", null)]
    [InlineData("not a date", null)]
    public void MinMax_Date(string input, string? violation)
    {
        var settings = Column("date") with { Min = Json("\"2024-01-01\""), Max = Json("\"2024-12-31\"") };
        Assert.Equal(violation, Apply(settings, input).Violation);
    }

    [Fact]
    public void MinMax_Timestamp_ComparesInstants()
    {
        var settings = Column("timestamptz") with { Min = Json("\"2024-01-01T00:00:00Z\"") };
        Assert.Equal(
            "'2024-01-01T01:00:00+02:00' is less than the minimum 2024-01-01T00:00:00Z",
            Apply(settings, "2024-01-01T01:00:00+02:00").Violation);
        Assert.True(Apply(settings, "2024-01-01T01:00:00+01:00").IsValid);
        Assert.True(Apply(Column("timestamp") with { Max = Json("\"2024-01-01\"") }, "2024-01-01T00:00:00").IsValid);
        Assert.Equal(
            "'2024-01-01 00:00:01' is more than the maximum 2024-01-01",
            Apply(Column("timestamp") with { Max = Json("\"2024-01-01\"") }, "2024-01-01 00:00:01").Violation);
    }

    // ISO text goes through the ISO reader; forms beyond ISO after an ISO date are still read by the framework.
    [Theory]
    [InlineData("2023-12-31T23:59:59.9999999Z", "is less than the minimum")]
    [InlineData("2024-01-01T01:00+0200", "is less than the minimum")]
    [InlineData("2024-01-01 03:00:00+02", null)]
    [InlineData("2023-12-31t23:00:00", "is less than the minimum")]
    [InlineData("2023-12-31 11:00 PM", "is less than the minimum")]
    [InlineData("2023-12-31T23:59:58.99999999", "is less than the minimum")]
    [InlineData("2023-12-31T23:59:59,5", "is less than the minimum")]
    [InlineData("2023-12-31T23:59:60", null)]
    [InlineData("31/12/2023 23:00", null)]
    public void MinMax_Timestamp_ReadsIsoAndTheFrameworksWiderForms(string input, string? violation)
    {
        var result = Apply(Column("timestamptz") with { Min = Json("\"2024-01-01t00:00:00 +00:00\"") }, input);
        if (violation is null)
        {
            Assert.True(result.IsValid);
        }
        else
        {
            Assert.Contains(violation, result.Violation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NullValues_SkipEveryCheckButRequired()
    {
        var settings = new ColumnSettings
        {
            Name = "code",
            Type = "integer",
            Pattern = "^[A-Z]{2}$",
            Allowed = ["DE"],
            MaxLength = 1,
            Min = Json("5"),
        };
        Assert.Equal(new Outcome(null, true, null), Apply(settings, null));
        Assert.Equal("a value is required", Apply(settings with { Required = true }, null).Violation);
    }

    [Fact]
    public void EmptyValues_AreStillCheckedByPatternAndAllowed_ButNotByMinMax()
    {
        Assert.Equal("'' does not match ^[A-Z]{2}$", Apply(Column() with { Pattern = "^[A-Z]{2}$" }, "").Violation);
        Assert.Equal("'' is not one of DE, FR", Apply(Column() with { Allowed = ["DE", "FR"] }, "").Violation);
        Assert.True(Apply(Column() with { Allowed = ["DE", ""] }, "").IsValid);
        Assert.True(Apply(Column("integer") with { Min = Json("5") }, "").IsValid);
    }

    [Fact]
    public void FirstFailingCheckWins_RequiredThenMaxLengthThenPatternThenAllowedThenMinMax()
    {
        var settings = new ColumnSettings
        {
            Name = "n",
            Type = "integer",
            Required = true,
            MaxLength = 3,
            Pattern = "^[0-9]+$",
            Allowed = ["1", "2", "500"],
            Max = Json("100"),
        };
        Assert.Equal("a value is required", Apply(settings, "").Violation);
        Assert.Equal("'abcd' is 4 characters long, more than 3", Apply(settings, "abcd").Violation);
        Assert.Equal("'ab' does not match ^[0-9]+$", Apply(settings, "ab").Violation);
        Assert.Equal("'3' is not one of 1, 2, 500", Apply(settings, "3").Violation);
        Assert.Equal("'500' is more than the maximum 100", Apply(settings, "500").Violation);
        Assert.True(Apply(settings, "2").IsValid);
    }

    [Fact]
    public void Violation_ReportsTheValueAsChecked()
    {
        var rules = ColumnRules.Compile(Column() with { Case = "upper", Allowed = ["DE"] });
        var result = rules.Apply("fr", isNull: false, new ValueBuffer());
        Assert.False(result.IsValid);
        Assert.Equal("FR", result.Value.ToString());
        Assert.Equal("'FR' is not one of DE", result.Violation);
    }
}
