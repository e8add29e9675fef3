using Diviora.Core.Ingestion.Validation;
using static Diviora.Tests.Engine.Validation.Run;

namespace Diviora.Tests.Engine.Validation;

[Trait("Category", "Unit")]
public class OrderTests
{
    [Fact]
    public void TrimBeforeRequired()
    {
        Assert.Equal("a value is required", Apply(Column() with { Trim = true, Required = true }, " \t ").Violation);
    }

    [Fact]
    public void TrimBeforeDefault_AndDefaultBeforeRequired()
    {
        var settings = Column() with { Trim = true, Required = true, Default = Json("\"none\"") };
        Assert.Equal(new Outcome("none", false, null), Apply(settings, "   "));
        Assert.Equal(new Outcome("none", false, null), Apply(settings, null));
    }

    [Fact]
    public void TrimBeforeAllowedAndMaxLength()
    {
        Assert.True(Apply(Column() with { Trim = true, Allowed = ["DE"], MaxLength = 2 }, "  DE ").IsValid);
    }

    [Fact]
    public void DefaultBeforeCase()
    {
        Assert.Equal("DE", Apply(Column() with { Default = Json("\"de\""), Case = "upper" }, null).Value);
    }

    [Fact]
    public void CaseBeforeAllowed()
    {
        var settings = Column() with { Case = "upper", Allowed = ["DE", "FR"] };
        Assert.Equal(new Outcome("DE", false, null), Apply(settings, "de"));
    }

    [Fact]
    public void CaseBeforePattern()
    {
        Assert.Equal(new Outcome("de", false, null), Apply(Column() with { Case = "lower", Pattern = "^[a-z]{2}$" }, "DE"));
    }

    [Fact]
    public void TrimBeforeFormat()
    {
        Assert.Equal("2024-12-31", Apply(Column("date") with { Trim = true, Format = "dd/MM/yyyy" }, " 31/12/2024 ").Value);
    }

    [Fact]
    public void CaseBeforeFormat()
    {
        // Quoted format literals match case-sensitively, so "x" only parses as 'X' once case has run.
        Assert.Equal("2024-12-31", Apply(Column("date") with { Case = "upper", Format = "yyyy'X'MM'X'dd" }, "2024x12x31").Value);
        Assert.False(Apply(Column("date") with { Format = "yyyy'X'MM'X'dd" }, "2024x12x31").IsValid);
    }

    [Fact]
    public void DefaultBeforeFormat()
    {
        Assert.Equal("2024-01-01", Apply(Column("date") with { Default = Json("\"01/01/2024\""), Format = "dd/MM/yyyy" }, null).Value);
    }

    [Fact]
    public void FormatBeforeMinMax_ForDates()
    {
        var settings = Column("date") with { Format = "dd/MM/yyyy", Min = Json("\"2024-01-01\""), Max = Json("\"2024-12-31\"") };
        Assert.Equal("'2023-12-31' is less than the minimum 2024-01-01", Apply(settings, "31/12/2023").Violation);
        Assert.Equal(new Outcome("2024-02-01", false, null), Apply(settings, "01/02/2024"));
    }

    [Fact]
    public void FormatBeforeMaxLengthAndPattern()
    {
        var settings = Column("date") with { Format = "dd/MM/yyyy", MaxLength = 10, Pattern = @"^\d{4}-\d{2}-\d{2}$" };
        Assert.True(Apply(settings, "31/12/2024").IsValid);
    }

    [Fact]
    public void FormatFailure_StopsBeforeOtherChecks()
    {
        var settings = Column("date") with { Format = "dd/MM/yyyy", MaxLength = 3 };
        Assert.Equal("'31/13/2024' does not match the format dd/MM/yyyy", Apply(settings, "31/13/2024").Violation);
    }
}
