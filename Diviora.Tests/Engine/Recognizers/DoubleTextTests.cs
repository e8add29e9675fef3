using Diviora.Core.Ingestion.Schema;
namespace Diviora.Tests.Engine.Recognizers;

[Trait("Category", "Unit")]
public class DoubleTextTests
{
    [Theory]
    [InlineData("1e5")]
    [InlineData("1E5")]
    [InlineData("-2.5E-3")]
    [InlineData("6.02e23")]
    [InlineData("1e+5")]
    [InlineData("0e0")]
    [InlineData("0.5e3")]
    [InlineData("-0e5")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("4.9e-324")]
    [InlineData("1e05")]
    public void IsDouble_accepts_exponent_forms(string value)
    {
        Assert.True(DoubleText.IsDouble(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-1.5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("∞")]
    [InlineData("01e5")]
    [InlineData("-01e5")]
    [InlineData("00e5")]
    [InlineData("+1e5")]
    [InlineData(".5e3")]
    [InlineData("5.e3")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("e5")]
    [InlineData("-e5")]
    [InlineData("-")]
    [InlineData(" 1e5")]
    [InlineData("1e5 ")]
    [InlineData("1e5x")]
    [InlineData("1,5e3")]
    [InlineData("1_000e3")]
    [InlineData("1e5.5")]
    [InlineData("0x1p3")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    [InlineData("١e5")]
    public void IsDouble_refuses_other_forms(string value)
    {
        Assert.False(DoubleText.IsDouble(value));
    }

    [Theory]
    [InlineData("1e5", "100000")]
    [InlineData("-2.5E-3", "-0.0025")]
    [InlineData("6.02e23", "6.02E+23")]
    [InlineData("1.50e2", "150")]
    [InlineData("0e0", "0")]
    [InlineData("-0e5", "-0")]
    [InlineData("1e-7", "1E-07")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157E+308")]
    public void TryCanonical_writes_round_trip_form(string value, string expected)
    {
        Span<char> destination = stackalloc char[DoubleText.MaxCanonicalLength];

        Assert.True(DoubleText.TryCanonical(value, destination, out int written));
        Assert.Equal(expected, destination[..written].ToString());
    }

    [Theory]
    [InlineData("-1.2345678901234567e-300")]
    [InlineData("-1.2345678901234567e-5")]
    [InlineData("-2.2250738585072014e-308")]
    [InlineData("-1.2345678901234567e15")]
    [InlineData("-1.2345678901234567e14")]
    public void MaxCanonicalLength_suffices_for_the_longest_forms(string value)
    {
        Span<char> destination = stackalloc char[DoubleText.MaxCanonicalLength];

        Assert.True(DoubleText.TryCanonical(value, destination, out int written));
        Assert.True(written <= DoubleText.MaxCanonicalLength);
    }

    [Fact]
    public void TryCanonical_refuses_refused_value_and_short_destination()
    {
        Span<char> destination = stackalloc char[DoubleText.MaxCanonicalLength];

        Assert.False(DoubleText.TryCanonical("1.5", destination, out int written));
        Assert.Equal(0, written);
        Assert.False(DoubleText.TryCanonical("1e5", destination[..3], out written));
        Assert.Equal(0, written);
    }
}
