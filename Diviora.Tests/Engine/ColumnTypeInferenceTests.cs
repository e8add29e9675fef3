using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class ColumnTypeInferenceTests
{
    [Theory]
    [InlineData(ColumnType.Boolean, "true", "FALSE", "True")]
    [InlineData(ColumnType.Integer, "0", "-12", "123456789012345678")]
    [InlineData(ColumnType.Decimal, "1.50", "-0.25", "7")]
    [InlineData(ColumnType.Date, "2024-01-02", "1999-12-31")]
    [InlineData(ColumnType.Timestamp, "2024-01-02T10:11:12", "2024-01-02 10:11", "2024-01-02T10:11:12.123456", "2024-01-03")]
    [InlineData(ColumnType.Text, "08123", "10115")]
    [InlineData(ColumnType.Text, "+5")]
    [InlineData(ColumnType.Text, "1234567890123456789")]
    [InlineData(ColumnType.Double, "1e5", "2.5", "-3", "6.02E+23")]
    [InlineData(ColumnType.TimestampTz, "2024-01-02T10:11:12Z", "2024-01-02 10:11+05:30")]
    [InlineData(ColumnType.Text, "2024-01-02T10:11:12Z", "2024-01-02T10:11:12")]
    [InlineData(ColumnType.Text, "1e5", "x")]
    [InlineData(ColumnType.Text, "-0")]
    [InlineData(ColumnType.Text, "2024-02-30")]
    [InlineData(ColumnType.Text, "1", "yes")]
    [InlineData(ColumnType.Text, " 1")]
    public void Infers_the_narrowest_type_every_value_fits(ColumnType expected, params string[] values)
    {
        var inference = new ColumnTypeInference();
        foreach (var value in values)
        {
            inference.Observe(value);
        }

        Assert.Equal(expected, inference.Result);
    }

    [Theory]
    [InlineData(DateOrder.DayFirst, ColumnType.Date, "03/04/2024", "13/04/2024")]
    [InlineData(DateOrder.MonthFirst, ColumnType.Date, "03/04/2024", "04/13/2024")]
    [InlineData(DateOrder.DayFirst, ColumnType.Timestamp, "03.04.2024 10:11", "31.12.2023")]
    [InlineData(DateOrder.None, ColumnType.Text, "03/04/2024", "04/05/2024")]
    [InlineData(DateOrder.None, ColumnType.Text, "13/04/2024", "04/13/2024")]
    public void Resolves_the_day_order_of_a_date_column_from_all_its_values(DateOrder order, ColumnType type, params string[] values)
    {
        var inference = new ColumnTypeInference();
        foreach (var value in values)
        {
            inference.Observe(value);
        }

        Assert.Equal((type, order), (inference.Result, inference.DateOrder));
    }

    [Theory]
    [InlineData(ColumnType.Date, DateOrder.DayFirst, "03/04/2024", "2024-04-03")]
    [InlineData(ColumnType.Date, DateOrder.MonthFirst, "03/04/2024", "2024-03-04")]
    [InlineData(ColumnType.Date, DateOrder.DayFirst, "2024-05-06", "2024-05-06")]
    [InlineData(ColumnType.Timestamp, DateOrder.DayFirst, "03/04/2024", "2024-04-03T00:00:00")]
    [InlineData(ColumnType.Timestamp, DateOrder.DayFirst, "03/04/2024 7:05", "2024-04-03T07:05:00")]
    public void Writes_day_ordered_dates_as_iso(ColumnType type, DateOrder order, string text, string expected)
    {
        Assert.True(ColumnValues.TryConvert(type, text, isNull: false, out var stored, order));
        Assert.Equal(expected, stored);
    }

    [Fact]
    public void Nulls_make_a_column_nullable_without_changing_its_type()
    {
        var inference = new ColumnTypeInference();
        inference.Observe("1");
        inference.Observe("", isNull: true);
        inference.Observe("2");

        Assert.Equal(ColumnType.Integer, inference.Result);
        Assert.True(inference.Nullable);
    }

    [Fact]
    public void An_empty_string_makes_a_column_text_so_it_comes_back_as_written()
    {
        var inference = new ColumnTypeInference();
        inference.Observe("1");
        inference.Observe("", isNull: false);

        Assert.Equal(ColumnType.Text, inference.Result);
        Assert.False(inference.Nullable);
    }

    [Fact]
    public void A_column_without_values_is_text()
    {
        var inference = new ColumnTypeInference();
        inference.Observe("", isNull: true);

        Assert.Equal(ColumnType.Text, inference.Result);
    }

    [Theory]
    [InlineData(ColumnType.Integer, "-42", -42L)]
    [InlineData(ColumnType.Boolean, "TRUE", 1L)]
    [InlineData(ColumnType.Boolean, "false", 0L)]
    [InlineData(ColumnType.Decimal, "1.50", "1.50")]
    [InlineData(ColumnType.Timestamp, "2024-01-02 10:11", "2024-01-02T10:11:00")]
    [InlineData(ColumnType.Timestamp, "2024-01-02", "2024-01-02T00:00:00")]
    [InlineData(ColumnType.Text, "08123", "08123")]
    public void Converts_values_to_what_the_warehouse_stores(ColumnType type, string text, object expected)
    {
        Assert.True(ColumnValues.TryConvert(type, text, isNull: false, out var stored));
        Assert.Equal(expected, stored);
    }

    [Theory]
    [InlineData("2024-02-29", "2024-02-29T00:00:00")]
    [InlineData("2024-02-29 23:59", "2024-02-29T23:59:00")]
    [InlineData("2024-01-02T10:11:12.5000000", "2024-01-02T10:11:12.5")]
    [InlineData("2024-01-02T10:11:12.000", "2024-01-02T10:11:12")]
    [InlineData("2024-01-02T10:11:12.1234567", "2024-01-02T10:11:12.1234567")]
    [InlineData("2023-02-29", null)]
    [InlineData("2024-13-01", null)]
    [InlineData("2024-01-02T24:00", null)]
    [InlineData("2024-01-02T10:60", null)]
    [InlineData("2024-01-02T10:11:12.12345678", null)]
    [InlineData("2024-01-02T10:11:12Z", null)]
    [InlineData("0000-01-01", null)]
    [InlineData("2024-1-02", null)]
    public void Writes_timestamps_in_one_canonical_form_and_refuses_impossible_ones(string text, string? expected)
    {
        var fits = ColumnValues.TryConvert(ColumnType.Timestamp, text, isNull: false, out var stored);

        Assert.Equal(expected is not null, fits);
        Assert.Equal(expected, stored);
    }

    [Fact]
    public void Converts_a_quoted_empty_field_to_an_empty_string_in_text_and_to_null_elsewhere()
    {
        Assert.True(ColumnValues.TryConvert(ColumnType.Text, "", isNull: false, out var text));
        Assert.True(ColumnValues.TryConvert(ColumnType.Integer, "", isNull: false, out var integer));
        Assert.True(ColumnValues.TryConvert(ColumnType.Text, "", isNull: true, out var nullText));

        Assert.Equal("", text);
        Assert.Null(integer);
        Assert.Null(nullText);
    }

    [Fact]
    public void Refuses_a_value_that_does_not_fit()
    {
        Assert.False(ColumnValues.TryConvert(ColumnType.Integer, "1.5", isNull: false, out _));
    }

    [Fact]
    public void Gives_decimals_back_with_their_scale()
    {
        var value = ColumnValues.FromStored(ColumnType.Decimal, "1.50");

        Assert.Equal("1.50", Assert.IsType<decimal>(value).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
