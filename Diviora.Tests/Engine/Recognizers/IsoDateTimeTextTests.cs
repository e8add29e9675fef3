using System.Globalization;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Tests.Engine.Recognizers;

[Trait("Category", "Unit")]
public class IsoDateTimeTextTests
{
    // The forms ingestion types a timestamptz column by.
    private const IsoForms Offset =
        IsoForms.TimestampTz | IsoForms.SpaceSeparator | IsoForms.OptionalSeconds | IsoForms.OffsetWithoutMinutes;

    // The forms ingestion types a timestamp column by, and writes as midnight when a date comes alone.
    private const IsoForms Local = IsoForms.Timestamp | IsoForms.SpaceSeparator | IsoForms.OptionalSeconds;

    // What column rules read a min, a max and a value as before any fallback.
    private const IsoForms Any = IsoForms.Date | Local | Offset;

    // What the Parquet export reads: seconds always.
    private const IsoForms Export =
        IsoForms.Timestamp | IsoForms.TimestampTz | IsoForms.SpaceSeparator | IsoForms.OffsetWithoutMinutes;

    // What the filter language reads for a timestamptz column: no space for the T.
    private const IsoForms Filter = IsoForms.Date | IsoForms.Timestamp | IsoForms.TimestampTz | IsoForms.OptionalSeconds;

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
    public void Offset_timestamp_accepts(string value)
    {
        Assert.True(IsoDateTimeText.TryParse(value, Offset, out _));
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
    public void Offset_timestamp_refuses(string value)
    {
        Assert.False(IsoDateTimeText.TryParse(value, Offset, out _));
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
        Span<char> destination = stackalloc char[IsoDateTimeText.MaxCanonicalLength];

        Assert.True(IsoDateTimeText.TryCanonical(value, Offset, destination, out int written));
        string canonical = destination[..written].ToString();
        Assert.Equal(expected, canonical);

        // The canonical form is itself accepted, and means the same instant to the framework.
        Assert.True(IsoDateTimeText.TryParse(canonical, Offset, out _));
        Assert.Equal(
            DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(canonical, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MaxCanonicalLength_is_the_longest_form()
    {
        Span<char> destination = stackalloc char[IsoDateTimeText.MaxCanonicalLength];

        Assert.True(IsoDateTimeText.TryCanonical("2024-04-13T10:15:30.1234567-0800", Offset, destination, out int written));
        Assert.Equal(IsoDateTimeText.MaxCanonicalLength, written);
    }

    [Fact]
    public void TryCanonical_refuses_refused_value_and_short_destination()
    {
        Span<char> destination = stackalloc char[IsoDateTimeText.MaxCanonicalLength];

        Assert.False(IsoDateTimeText.TryCanonical("2024-04-13T10:15", Offset, destination, out int written));
        Assert.Equal(0, written);
        Assert.False(IsoDateTimeText.TryCanonical("2024-04-13T10:15Z", Offset, destination[..24], out written));
        Assert.Equal(0, written);
        Assert.True(IsoDateTimeText.TryCanonical("2024-04-13T10:15Z", Offset, destination[..25], out written));
        Assert.Equal(25, written);
    }

    [Theory]
    [InlineData("2024-04-13")]
    [InlineData("2024-02-29")]
    [InlineData("2000-02-29")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    public void Date_accepts(string value)
    {
        Assert.True(IsoDateTimeText.TryParse(value, IsoForms.Date, out var parsed));
        Assert.Equal(DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture), parsed.Date);
        Assert.False(parsed.HasTime);
        Assert.False(parsed.HasOffset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-04-1")]
    [InlineData("2023-02-29")]
    [InlineData("1900-02-29")]
    [InlineData("2024-04-31")]
    [InlineData("2024-00-10")]
    [InlineData("2024-13-10")]
    [InlineData("2024-04-00")]
    [InlineData("0000-01-01")]
    [InlineData("2024-4-13")]
    [InlineData("24-04-13")]
    [InlineData("02024-04-13")]
    [InlineData("2024/04/13")]
    [InlineData("2024-04-13 ")]
    [InlineData(" 2024-04-13")]
    [InlineData("2024-04-13T10:15")]
    [InlineData("2024-04-13T10:15:30Z")]
    [InlineData("13/04/2024")]
    [InlineData("２０２４-04-13")]
    public void Date_refuses(string value)
    {
        Assert.False(IsoDateTimeText.TryParse(value, IsoForms.Date, out _));
    }

    [Theory]
    [InlineData("2024-04-13T10:15")]
    [InlineData("2024-04-13 10:15")]
    [InlineData("2024-04-13T10:15:30")]
    [InlineData("2024-04-13 10:15:30")]
    [InlineData("2024-04-13T10:15:30.1")]
    [InlineData("2024-04-13T10:15:30.1234567")]
    [InlineData("2024-04-13T00:00:00")]
    [InlineData("2024-04-13T23:59:59.9999999")]
    [InlineData("0001-01-01T00:00")]
    [InlineData("9999-12-31T23:59:59")]
    public void Timestamp_accepts(string value)
    {
        Assert.True(IsoDateTimeText.TryParse(value, Local, out var parsed));
        Assert.Equal(DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.None), parsed.ToDateTime());
        Assert.Equal(DateTimeKind.Unspecified, parsed.ToDateTime().Kind);
        Assert.False(parsed.HasOffset);
    }

    [Theory]
    [InlineData("2024-04-13")]
    [InlineData("2024-04-13T")]
    [InlineData("2024-04-13T10")]
    [InlineData("2024-04-13T10:1")]
    [InlineData("2024-04-13T10:15:")]
    [InlineData("2024-04-13T10:15:3")]
    [InlineData("2024-04-13T10:15:30.")]
    [InlineData("2024-04-13T10:15:30.12345678")]
    [InlineData("2024-04-13T10:15.5")]
    [InlineData("2024-04-13T10:15:30,5")]
    [InlineData("2024-04-13T24:00")]
    [InlineData("2024-04-13T10:60")]
    [InlineData("2024-04-13T10:15:60")]
    [InlineData("2024-04-13t10:15")]
    [InlineData("2024-04-13  10:15")]
    [InlineData("2024-04-13T1:15")]
    [InlineData("2024-04-13T10:15Z")]
    [InlineData("2024-04-13T10:15:30+02:00")]
    [InlineData("2024-04-13T10:15 ")]
    [InlineData("2024-02-30T10:15")]
    [InlineData("0000-01-01T10:15")]
    public void Timestamp_refuses(string value)
    {
        Assert.False(IsoDateTimeText.TryParse(value, Local, out _));
    }

    [Theory]
    [InlineData("2024-04-13", "2024-04-13T00:00:00")]
    [InlineData("2024-04-13 10:15", "2024-04-13T10:15:00")]
    [InlineData("2024-04-13T10:15:30", "2024-04-13T10:15:30")]
    [InlineData("2024-04-13T10:15:30.1200", "2024-04-13T10:15:30.12")]
    [InlineData("2024-04-13T10:15:30.0000000", "2024-04-13T10:15:30")]
    [InlineData("2024-04-13T10:15:30.0000001", "2024-04-13T10:15:30.0000001")]
    [InlineData("2024-04-13T10:15:30.1234567", "2024-04-13T10:15:30.1234567")]
    public void Local_canonical_form_has_T_seconds_and_a_trimmed_fraction(string value, string expected)
    {
        Span<char> destination = stackalloc char[IsoDateTimeText.MaxTimestampLength];

        Assert.True(IsoDateTimeText.TryCanonical(value, IsoForms.Date | Local, destination, out int written));
        Assert.Equal(expected, destination[..written].ToString());
    }

    [Theory]
    [InlineData("2024-04-13T10:15", false)]
    [InlineData("2024-04-13 10:15", false)]
    [InlineData("2024-04-13T10:15:30", true)]
    [InlineData("2024-04-13 10:15:30.25", true)]
    [InlineData("2024-04-13T10:15Z", false)]
    [InlineData("2024-04-13T10:15:30Z", true)]
    [InlineData("2024-04-13 10:15:30.5-0230", true)]
    [InlineData("2024-04-13", false)]
    public void Export_forms_need_seconds_and_no_date_alone(string value, bool accepted)
    {
        Assert.Equal(accepted, IsoDateTimeText.TryParse(value, Export, out _));
    }

    [Theory]
    [InlineData("2024-04-13", true)]
    [InlineData("2024-04-13T10:15", true)]
    [InlineData("2024-04-13T10:15:30.5+02:00", true)]
    [InlineData("2024-04-13T10:15Z", true)]
    [InlineData("2024-04-13 10:15", false)]
    [InlineData("2024-04-13 10:15:30Z", false)]
    [InlineData("2024-04-13T10:15:30+0200", true)]
    [InlineData("2024-04-13T10:15:30+02", false)]
    public void Filter_forms_refuse_a_space_for_the_T_and_an_offset_without_minutes(string value, bool accepted)
    {
        Assert.Equal(accepted, IsoDateTimeText.TryParse(value, Filter, out _));
    }

    [Fact]
    public void No_form_means_no_value()
    {
        Assert.False(IsoDateTimeText.TryParse("2024-04-13", IsoForms.None, out _));
        Assert.False(IsoDateTimeText.TryParse("2024-04-13T10:15:30Z", IsoForms.Date | IsoForms.Timestamp, out _));
        Assert.False(IsoDateTimeText.TryParse("2024-04-13T10:15:30", IsoForms.Date | IsoForms.TimestampTz, out _));
    }

    // Column rules read bounds with the framework before; wherever the parser accepts, both must mean the same instant.
    [Theory]
    [InlineData("2024-04-13")]
    [InlineData("2024-04-13T10:15")]
    [InlineData("2024-04-13 10:15:30")]
    [InlineData("2024-04-13T10:15:30.1234567")]
    [InlineData("2024-04-13T10:15:30Z")]
    [InlineData("2024-04-13T10:15:30.5+05:30")]
    [InlineData("2024-04-13 10:15-0800")]
    [InlineData("2024-04-13T10:15:30+05")]
    [InlineData("2024-04-13T10:15:30-00:00")]
    [InlineData("2024-04-13T23:30:00-14:00")]
    [InlineData("0001-01-01T00:00:00-01:00")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    public void Instant_is_what_the_framework_reads(string value)
    {
        var expected = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        Assert.True(IsoDateTimeText.TryParse(value, Any, out var parsed));
        Assert.Equal(expected, parsed.ToDateTimeOffset());
        Assert.Equal(expected.Offset, parsed.ToDateTimeOffset().Offset);
        Assert.Equal(expected.UtcDateTime, parsed.ToUtcDateTime());
        Assert.Equal(DateTimeKind.Utc, parsed.ToUtcDateTime().Kind);
    }
}
