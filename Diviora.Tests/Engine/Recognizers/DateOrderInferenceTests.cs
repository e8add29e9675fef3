using Diviora.Core.Ingestion.Schema;
namespace Diviora.Tests.Engine.Recognizers;

[Trait("Category", "Unit")]
public class DateOrderInferenceTests
{
    private static DateOrderInference ObserveAll(params string[] values)
    {
        var inference = new DateOrderInference();
        foreach (string value in values)
        {
            inference.Observe(value);
        }

        return inference;
    }

    [Theory]
    [InlineData("13/04/2024", DateOrder.DayFirst)]
    [InlineData("04/13/2024", DateOrder.MonthFirst)]
    [InlineData("03/04/2024", DateOrder.Ambiguous)]
    [InlineData("3/4/2024", DateOrder.Ambiguous)]
    [InlineData("31/02/2024", DateOrder.None)]
    [InlineData("02/31/2024", DateOrder.None)]
    [InlineData("29/02/2024", DateOrder.DayFirst)]
    [InlineData("02/29/2024", DateOrder.MonthFirst)]
    [InlineData("29/02/2023", DateOrder.None)]
    [InlineData("29/02/1900", DateOrder.None)]
    [InlineData("29/02/2000", DateOrder.DayFirst)]
    [InlineData("31/04/2024", DateOrder.None)]
    [InlineData("13.04.2024", DateOrder.DayFirst)]
    [InlineData("13-04-2024", DateOrder.DayFirst)]
    [InlineData("4/13/2024", DateOrder.MonthFirst)]
    [InlineData("13/4/2024", DateOrder.DayFirst)]
    [InlineData("00/04/2024", DateOrder.None)]
    [InlineData("13/13/2024", DateOrder.None)]
    [InlineData("01/01/0000", DateOrder.None)]
    public void Single_value_column(string value, DateOrder expected)
    {
        Assert.Equal(expected, ObserveAll(value).Result);
    }

    [Theory]
    [InlineData("2024-04-13")]
    [InlineData("2024/04/13")]
    [InlineData("03/04-2024")]
    [InlineData("03-04/2024")]
    [InlineData("03.04/2024")]
    [InlineData("03/04/24")]
    [InlineData("03/04/20245")]
    [InlineData("003/04/2024")]
    [InlineData("03/004/2024")]
    [InlineData("03//2024")]
    [InlineData("/04/2024")]
    [InlineData("03 04 2024")]
    [InlineData("03/04/2024 ")]
    [InlineData(" 03/04/2024")]
    [InlineData("03/04/2024T10:15")]
    [InlineData("03/04/2024  10:15")]
    [InlineData("03/04/2024 10")]
    [InlineData("03/04/2024 10:5")]
    [InlineData("03/04/2024 10:15:")]
    [InlineData("03/04/2024 10:15:3")]
    [InlineData("03/04/2024 10:15:30.5")]
    [InlineData("03/04/2024 24:00")]
    [InlineData("03/04/2024 10:60")]
    [InlineData("03/04/2024 10:15:60")]
    [InlineData("03/04/2024 10:15 PM")]
    [InlineData("03/04/2024 010:15")]
    [InlineData("")]
    [InlineData("abc")]
    public void Unrecognized_shapes_make_the_column_None(string value)
    {
        Assert.Equal(DateOrder.None, ObserveAll(value).Result);
    }

    [Fact]
    public void Empty_column_is_None()
    {
        var inference = new DateOrderInference();

        Assert.Equal(DateOrder.None, inference.Result);
        Assert.False(inference.HasTime);
    }

    [Fact]
    public void All_values_fitting_both_orders_is_Ambiguous()
    {
        Assert.Equal(DateOrder.Ambiguous, ObserveAll("01/02/2024", "03/04/2024", "12/12/2024", "5.6.2024").Result);
    }

    [Fact]
    public void One_value_above_12_in_first_position_decides_DayFirst()
    {
        Assert.Equal(DateOrder.DayFirst, ObserveAll("01/02/2024", "03/04/2024", "25/04/2024", "05/06/2024").Result);
    }

    [Fact]
    public void One_value_above_12_in_second_position_decides_MonthFirst()
    {
        Assert.Equal(DateOrder.MonthFirst, ObserveAll("01/02/2024", "04/25/2024", "05/06/2024").Result);
    }

    [Fact]
    public void Conflicting_values_make_the_column_None()
    {
        Assert.Equal(DateOrder.None, ObserveAll("13/04/2024", "03/04/2024", "04/13/2024").Result);
    }

    [Fact]
    public void One_invalid_value_makes_the_column_None()
    {
        Assert.Equal(DateOrder.None, ObserveAll("13/04/2024", "14/04/2024", "31/02/2024", "15/04/2024").Result);
        Assert.Equal(DateOrder.None, ObserveAll("03/04/2024", "hello").Result);
    }

    [Fact]
    public void HasTime_is_true_when_any_value_has_a_time()
    {
        DateOrderInference mixed = ObserveAll("13/04/2024", "14/04/2024 9:05", "15/04/2024 23:59:59");
        DateOrderInference dateOnly = ObserveAll("13/04/2024", "14/04/2024");

        Assert.Equal(DateOrder.DayFirst, mixed.Result);
        Assert.True(mixed.HasTime);
        Assert.Equal(DateOrder.DayFirst, dateOnly.Result);
        Assert.False(dateOnly.HasTime);
    }

    [Theory]
    [InlineData("13/04/2024", DateOrder.DayFirst, "2024-04-13")]
    [InlineData("3.4.2024", DateOrder.DayFirst, "2024-04-03")]
    [InlineData("3.4.2024", DateOrder.MonthFirst, "2024-03-04")]
    [InlineData("04-13-2024", DateOrder.MonthFirst, "2024-04-13")]
    [InlineData("29/02/2024", DateOrder.DayFirst, "2024-02-29")]
    [InlineData("13/04/2024 9:05", DateOrder.DayFirst, "2024-04-13T09:05:00")]
    [InlineData("13/04/2024 09:05", DateOrder.DayFirst, "2024-04-13T09:05:00")]
    [InlineData("04/13/2024 23:59:58", DateOrder.MonthFirst, "2024-04-13T23:59:58")]
    [InlineData("4/13/2024 0:00:01", DateOrder.MonthFirst, "2024-04-13T00:00:01")]
    public void TryCanonical_writes_iso_form(string value, DateOrder order, string expected)
    {
        Span<char> destination = stackalloc char[DateOrderInference.MaxCanonicalLength];

        Assert.True(DateOrderInference.TryCanonical(value, order, destination, out int written));
        Assert.Equal(expected, destination[..written].ToString());
    }

    [Theory]
    [InlineData("13/04/2024", DateOrder.MonthFirst)]
    [InlineData("04/13/2024", DateOrder.DayFirst)]
    [InlineData("31/02/2024", DateOrder.DayFirst)]
    [InlineData("03/04/2024", DateOrder.Ambiguous)]
    [InlineData("03/04/2024", DateOrder.None)]
    [InlineData("2024-04-03", DateOrder.DayFirst)]
    [InlineData("03/04-2024", DateOrder.DayFirst)]
    public void TryCanonical_refuses_values_not_fitting_the_order(string value, DateOrder order)
    {
        Span<char> destination = stackalloc char[DateOrderInference.MaxCanonicalLength];

        Assert.False(DateOrderInference.TryCanonical(value, order, destination, out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void TryCanonical_refuses_a_short_destination()
    {
        Span<char> destination = stackalloc char[DateOrderInference.MaxCanonicalLength];

        Assert.False(DateOrderInference.TryCanonical("13/04/2024 10:00", DateOrder.DayFirst, destination[..18], out _));
        Assert.False(DateOrderInference.TryCanonical("13/04/2024", DateOrder.DayFirst, destination[..9], out _));
        Assert.True(DateOrderInference.TryCanonical("13/04/2024", DateOrder.DayFirst, destination[..10], out int written));
        Assert.Equal(10, written);
    }
}
