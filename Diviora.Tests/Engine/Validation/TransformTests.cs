using Diviora.Core.Ingestion.Validation;
using System.Globalization;
using static Diviora.Tests.Engine.Validation.Run;

namespace Diviora.Tests.Engine.Validation;

[Trait("Category", "Unit")]
public class TransformTests
{
    [Fact]
    public void NoRules_PassesValueThrough()
    {
        Assert.Equal(new Outcome(" a b ", false, null), Apply(Column(), " a b "));
    }

    [Fact]
    public void Null_StaysNull_AndEmpty_StaysEmpty()
    {
        Assert.Equal(new Outcome(null, true, null), Apply(Column(), null));
        Assert.Equal(new Outcome("", false, null), Apply(Column(), ""));
    }

    [Fact]
    public void IsNull_WinsOverAnyText()
    {
        var rules = ColumnRules.Compile(Column() with { Trim = true, Case = "upper" });
        var result = rules.Apply("stale", isNull: true, new ValueBuffer());
        Assert.True(result.IsNull);
        Assert.True(result.Value.IsEmpty);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Trim_RemovesSurroundingWhitespace()
    {
        Assert.Equal("DE", Apply(Column() with { Trim = true }, " \t DE \r\n").Value);
    }

    [Fact]
    public void Trim_WhitespaceOnlyBecomesEmpty_NotNull()
    {
        Assert.Equal(new Outcome("", false, null), Apply(Column() with { Trim = true }, "   "));
    }

    [Fact]
    public void Trim_Off_KeepsWhitespace()
    {
        Assert.Equal("  DE ", Apply(Column(), "  DE ").Value);
    }

    [Fact]
    public void Trim_ReturnsASliceOfTheInput_WithoutCopying()
    {
        var rules = ColumnRules.Compile(Column() with { Trim = true });
        string input = "  DE  ";
        var result = rules.Apply(input, isNull: false, new ValueBuffer());
        Assert.True(result.Value.Overlaps(input.AsSpan()));
        Assert.Equal("DE", result.Value.ToString());
    }

    [Fact]
    public void Default_ReplacesNull()
    {
        Assert.Equal(new Outcome("n/a", false, null), Apply(Column() with { Default = Json("\"n/a\"") }, null));
    }

    [Fact]
    public void Default_ReplacesEmpty()
    {
        Assert.Equal("n/a", Apply(Column() with { Default = Json("\"n/a\"") }, "").Value);
    }

    [Fact]
    public void Default_ReplacesWhitespace_OnlyWhenTrimmed()
    {
        var settings = Column() with { Default = Json("\"n/a\"") };
        Assert.Equal("n/a", Apply(settings with { Trim = true }, "   ").Value);
        Assert.Equal("   ", Apply(settings, "   ").Value);
    }

    [Fact]
    public void Default_LeavesRealValuesAlone()
    {
        Assert.Equal("x", Apply(Column() with { Default = Json("\"n/a\"") }, "x").Value);
    }

    [Theory]
    [InlineData("0", "decimal", "0")]
    [InlineData("1.50", "decimal", "1.50")]
    [InlineData("-2.5e2", "decimal", "-250")]
    [InlineData("42", "integer", "42")]
    [InlineData("1e300", "double", "1E+300")]
    [InlineData("true", "text", "true")]
    [InlineData("false", "boolean", "false")]
    [InlineData("\"7\"", "integer", "7")]
    public void Default_Text_IsInvariant(string json, string type, string expected)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // A comma-decimal culture must not leak into the default's text.
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(expected, Apply(Column(type) with { Default = Json(json) }, null).Value);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Default_JsonNull_MeansNoDefault()
    {
        Assert.True(Apply(Column() with { Default = Json("null") }, null).IsNull);
    }

    [Fact]
    public void Case_UpperAndLower()
    {
        Assert.Equal("ABC-É", Apply(Column() with { Case = "upper" }, "abC-é").Value);
        Assert.Equal("abc-é", Apply(Column() with { Case = "lower" }, "ABc-É").Value);
    }

    [Fact]
    public void Case_IsInvariant_EvenUnderTurkishCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("tr-TR");
            Assert.Equal("I", Apply(Column() with { Case = "upper" }, "i").Value);
            Assert.Equal("i", Apply(Column() with { Case = "lower" }, "I").Value);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Case_LeavesNullAndEmptyAlone()
    {
        Assert.True(Apply(Column() with { Case = "upper" }, null).IsNull);
        Assert.Equal(new Outcome("", false, null), Apply(Column() with { Case = "upper" }, ""));
    }

    [Theory]
    [InlineData("dd/MM/yyyy", "31/12/2024", "2024-12-31")]
    [InlineData("MM/dd/yyyy", "12/31/2024", "2024-12-31")]
    [InlineData("d.M.yy", "5.1.24", "2024-01-05")]
    [InlineData("dd MMM yyyy", "05 Jan 2024", "2024-01-05")]
    [InlineData("MM/dd/yyyy HH:mm", "12/31/2024 13:45", "2024-12-31T13:45:00")]
    [InlineData("dd/MM/yyyy hh:mm tt", "31/12/2024 01:45 PM", "2024-12-31T13:45:00")]
    [InlineData("dd/MM/yyyy HH:mm:ss.fff", "31/12/2024 13:45:30.000", "2024-12-31T13:45:30")]
    [InlineData("dd/MM/yyyy HH:mm:ss.fff", "31/12/2024 13:45:30.120", "2024-12-31T13:45:30.12")]
    [InlineData("dd/MM/yyyy HH:mm:ss.fffffff", "31/12/2024 13:45:30.0000001", "2024-12-31T13:45:30.0000001")]
    [InlineData("yyyy-MM-dd HH:mm:sszzz", "2024-12-31 13:45:30+02:00", "2024-12-31T13:45:30+02:00")]
    [InlineData("dd/MM/yyyy '(shift)'", "31/12/2024 (shift)", "2024-12-31")]
    [InlineData("yyyyMMdd", "20241231", "2024-12-31")]
    public void Format_RewritesAsIso(string format, string input, string expected)
    {
        var result = Apply(Column("text") with { Format = format }, input);
        Assert.Equal(new Outcome(expected, false, null), result);
    }

    [Fact]
    public void Format_RejectsValuesThatDoNotParse()
    {
        var settings = Column("date") with { Format = "dd/MM/yyyy" };
        Assert.Equal("'31/13/2024' does not match the format dd/MM/yyyy", Apply(settings, "31/13/2024").Violation);
        Assert.Equal("'2024-12-31' does not match the format dd/MM/yyyy", Apply(settings, "2024-12-31").Violation);
    }

    [Fact]
    public void Format_SkipsNullAndEmpty()
    {
        var settings = Column("date") with { Format = "dd/MM/yyyy" };
        Assert.Equal(new Outcome(null, true, null), Apply(settings, null));
        Assert.Equal(new Outcome("", false, null), Apply(settings, ""));
    }

    [Fact]
    public void Format_IgnoresCurrentCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("2024-01-05", Apply(Column("date") with { Format = "dd MMM yyyy" }, "05 Jan 2024").Value);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void TransformedValue_SurvivesUntilTheNextCallOnTheSameBuffer()
    {
        var rules = ColumnRules.Compile(Column() with { Case = "upper" });
        var buffer = new ValueBuffer();

        var first = rules.Apply("ab", isNull: false, buffer);
        Assert.Equal("AB", first.Value.ToString());

        // The next call reuses the buffer, so the caller must copy a value it wants to keep.
        string kept = first.Value.ToString();
        var second = rules.Apply("cd", isNull: false, buffer);
        Assert.Equal("CD", second.Value.ToString());
        Assert.Equal("AB", kept);
    }

    [Fact]
    public void Buffer_GrowsForLongValues()
    {
        var rules = ColumnRules.Compile(Column() with { Case = "upper" });
        var buffer = new ValueBuffer(0);
        string input = new('a', 10_000);
        Assert.Equal(new string('A', 10_000), rules.Apply(input, isNull: false, buffer).Value.ToString());
        Assert.True(buffer.Capacity >= 10_000);
    }

    [Fact]
    public void Apply_AcceptsAValueThatPointsIntoItsOwnBuffer()
    {
        var upper = ColumnRules.Compile(Column() with { Case = "upper" });
        var lower = ColumnRules.Compile(Column() with { Case = "lower", Trim = true });
        var buffer = new ValueBuffer();

        var first = upper.Apply(" ab ", isNull: false, buffer);
        var second = lower.Apply(first.Value, isNull: false, buffer);
        Assert.Equal("ab", second.Value.ToString());
    }

    [Fact]
    public void Apply_DoesNotAllocate_WhenValuesPass()
    {
        var rules = ColumnRules.Compile(new ColumnSettings
        {
            Name = "amount",
            Type = "decimal",
            Required = true,
            Trim = true,
            Case = "upper",
            Pattern = "^[0-9.]+$",
            Allowed = ["1", "2.5", "10"],
            MaxLength = 10,
            Min = Json("0"),
            Max = Json("100"),
        });
        var dates = ColumnRules.Compile(new ColumnSettings
        {
            Name = "day",
            Type = "date",
            Format = "dd/MM/yyyy",
            Min = Json("\"2024-01-01\""),
        });
        var buffer = new ValueBuffer();
        for (int i = 0; i < 100; i++)
        {
            // Warm up so tiered JIT and lazy statics are not counted.
            Assert.True(rules.Apply(" 2.5 ", isNull: false, buffer).IsValid);
            Assert.True(dates.Apply("31/12/2024", isNull: false, buffer).IsValid);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            _ = rules.Apply(" 2.5 ", isNull: false, buffer);
            _ = dates.Apply("31/12/2024", isNull: false, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RenamedName_IsRenameOrName()
    {
        Assert.Equal("col", Column().RenamedName);
        Assert.Equal("total", (Column() with { Rename = "total" }).RenamedName);
        Assert.Equal("total", ColumnRules.Compile(Column() with { Rename = "total" }).RenamedName);
        Assert.Equal("col", ColumnRules.Compile(Column() with { Rename = "total" }).Name);
    }
}
