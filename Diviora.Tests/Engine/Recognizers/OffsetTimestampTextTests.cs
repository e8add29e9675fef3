using Diviora.Core.Ingestion.Schema;
namespace Diviora.Tests.Engine.Recognizers;

[Trait("Category", "Unit")]
public class OffsetTimestampTextTests
{
    [Theory]
    [InlineData("2024-04-13T10:15Z")]
    [InlineData("2024-04-13T10:15:30Z")]
    [InlineData("2024-04-13 10:15:30Z")]
    [InlineData("2024-04-13T10:15:30.1Z")]
    [InlineData("2024-04-13T10:15:30.1234567Z")]
    [InlineData("2024-04-13T10:15:30+05:30")]
    [InlineData("2024-04-13T10:15:30-0800")]
    [InlineData("2024-04-13T10:15:30+05")]
    [InlineData("2024-04-13T10:15+14:00")]
    [InlineData("2024-04-13T10:15-14:00")]
    [InlineData("2024-04-13T10:15-00:00")]
    [InlineData("2024-02-29T00:00:00Z")]
    [InlineData("2000-02-29T00:00:00Z")]
    [InlineData("2024-12-31T23:59:59.9999999+01:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00-01:00")]
    [InlineData("9999-12-31T23:59:59Z")]
    public void IsTimestampWithOffset_accepts(string value)
    {
        Assert.True(OffsetTimestampText.IsTimestampWithOffset(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-04-13")]
    [InlineData("2024-04-13T10:15")]
    [InlineData("2024-04-13T10:15:30")]
    [InlineData("2024-04-13T10:15:30.5")]
    [InlineData("2023-02-29T00:00Z")]
    [InlineData("1900-02-29T00:00Z")]
    [InlineData("2024-02-30T00:00Z")]
    [InlineData("2024-04-31T00:00Z")]
    [InlineData("2024-00-10T00:00Z")]
    [InlineData("2024-13-10T00:00Z")]
    [InlineData("2024-04-00T00:00Z")]
    [InlineData("0000-01-01T00:00Z")]
    [InlineData("2024-04-13T24:00Z")]
    [InlineData("2024-04-13T10:60Z")]
    [InlineData("2024-04-13T10:15:60Z")]
    [InlineData("2024-04-13T10:15+15:00")]
    [InlineData("2024-04-13T10:15+14:30")]
    [InlineData("2024-04-13T10:15+05:60")]
    [InlineData("2024-04-13T10:15+5:30")]
    [InlineData("2024-04-13T10:15+05:3")]
    [InlineData("2024-04-13T10:15+05:30:00")]
    [InlineData("2024-04-13T10:15+053")]
    [InlineData("2024-04-13T10:15+")]
    [InlineData("2024-04-13T10:15:30.Z")]
    [InlineData("2024-04-13T10:15:30.12345678Z")]
    [InlineData("2024-04-13T10:15.5Z")]
    [InlineData("2024-04-13T10:15:30,5Z")]
    [InlineData("2024-04-13t10:15Z")]
    [InlineData("2024-04-13T10:15z")]
    [InlineData("2024-04-13T10:15Z ")]
    [InlineData(" 2024-04-13T10:15Z")]
    [InlineData("2024-04-13T10:15ZZ")]
    [InlineData("2024-4-13T10:15Z")]
    [InlineData("2024/04/13T10:15Z")]
    [InlineData("2024-04-13T1:15Z")]
    [InlineData("2024-04-13T10:15:3Z")]
    [InlineData("2024-04-13  10:15Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    public void IsTimestampWithOffset_refuses(string value)
    {
        Assert.False(OffsetTimestampText.IsTimestampWithOffset(value));
    }

    [Theory]
    [InlineData("2024-04-13T10:15Z", "2024-04-13T10:15:00+00:00")]
    [InlineData("2024-04-13 10:15:30Z", "2024-04-13T10:15:30+00:00")]
    [InlineData("2024-04-13T10:15:30+05:30", "2024-04-13T10:15:30+05:30")]
    [InlineData("2024-04-13T10:15:30-0800", "2024-04-13T10:15:30-08:00")]
    [InlineData("2024-04-13T10:15:30+05", "2024-04-13T10:15:30+05:00")]
    [InlineData("2024-04-13T10:15:30-00:00", "2024-04-13T10:15:30-00:00")]
    [InlineData("2024-04-13T10:15:30.1200Z", "2024-04-13T10:15:30.12+00:00")]
    [InlineData("2024-04-13T10:15:30.000Z", "2024-04-13T10:15:30+00:00")]
    [InlineData("2024-04-13T10:15:30.0000001+14:00", "2024-04-13T10:15:30.0000001+14:00")]
    [InlineData("2024-02-29T23:59:59.9999999-14:00", "2024-02-29T23:59:59.9999999-14:00")]
    public void TryCanonical_writes_canonical_form(string value, string expected)
    {
        Span<char> destination = stackalloc char[OffsetTimestampText.MaxCanonicalLength];

        Assert.True(OffsetTimestampText.TryCanonical(value, destination, out int written));
        string canonical = destination[..written].ToString();
        Assert.Equal(expected, canonical);

        // The canonical form is itself accepted, and means the same instant to the framework.
        Assert.True(OffsetTimestampText.IsTimestampWithOffset(canonical));
        Assert.Equal(
            DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(canonical, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MaxCanonicalLength_is_the_longest_form()
    {
        Span<char> destination = stackalloc char[OffsetTimestampText.MaxCanonicalLength];

        Assert.True(OffsetTimestampText.TryCanonical("2024-04-13T10:15:30.1234567-0800", destination, out int written));
        Assert.Equal(OffsetTimestampText.MaxCanonicalLength, written);
    }

    [Fact]
    public void TryCanonical_refuses_refused_value_and_short_destination()
    {
        Span<char> destination = stackalloc char[OffsetTimestampText.MaxCanonicalLength];

        Assert.False(OffsetTimestampText.TryCanonical("2024-04-13T10:15", destination, out int written));
        Assert.Equal(0, written);
        Assert.False(OffsetTimestampText.TryCanonical("2024-04-13T10:15Z", destination[..24], out written));
        Assert.Equal(0, written);
        Assert.True(OffsetTimestampText.TryCanonical("2024-04-13T10:15Z", destination[..25], out written));
        Assert.Equal(25, written);
    }
}
