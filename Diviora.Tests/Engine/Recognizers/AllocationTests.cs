using Diviora.Core.Ingestion.Schema;
namespace Diviora.Tests.Engine.Recognizers;

// These recognizers run for every value of a column of a million-row file, so they must not allocate.
[Trait("Category", "Unit")]
public class AllocationTests
{
    private const int Iterations = 1_000_000;
    private const long Budget = 1024;

    private static readonly string[] DateValues =
    [
        "13/04/2024", "3.4.2024", "04-13-2024 9:05", "31/02/2024", "2024-04-13", "not a date", "", "03/04/2024 10:15:30",
    ];

    private static readonly string[] DoubleValues = ["1e5", "-2.5E-3", "6.02e23", "1.5", "01e5", "1e400", "text", ""];

    private static readonly string[] TimestampValues =
    [
        "2024-04-13T10:15:30.1234567+05:30", "2024-04-13 10:15Z", "2024-04-13T10:15:30-0800", "2024-02-30T00:00Z", "x",
    ];

    [Fact]
    public void Observing_a_million_values_allocates_under_1_KB()
    {
        var inference = new DateOrderInference();
        ObserveDates(inference, 10_000); // JIT and tiering happen outside the measured window.

        long before = GC.GetAllocatedBytesForCurrentThread();
        ObserveDates(inference, Iterations);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < Budget, $"allocated {allocated} bytes");
        Assert.Equal(DateOrder.None, inference.Result);
    }

    [Fact]
    public void Recognizing_and_canonicalizing_a_million_values_allocates_under_1_KB()
    {
        RecognizeAll(10_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int accepted = RecognizeAll(Iterations);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < Budget, $"allocated {allocated} bytes");
        Assert.True(accepted > 0);
    }

    private static void ObserveDates(DateOrderInference inference, int count)
    {
        for (int i = 0; i < count; i++)
        {
            inference.Observe(DateValues[i % DateValues.Length]);
        }
    }

    private static int RecognizeAll(int count)
    {
        Span<char> destination = stackalloc char[IsoDateTimeText.MaxCanonicalLength];
        int accepted = 0;
        for (int i = 0; i < count; i++)
        {
            string number = DoubleValues[i % DoubleValues.Length];
            string timestamp = TimestampValues[i % TimestampValues.Length];
            string date = DateValues[i % DateValues.Length];
            accepted += DoubleText.IsDouble(number) ? 1 : 0;
            accepted += DoubleText.TryCanonical(number, destination, out _) ? 1 : 0;
            accepted += ColumnValues.IsTimestampTz(timestamp) ? 1 : 0;
            accepted += IsoDateTimeText.TryCanonical(timestamp, IsoForms.TimestampTz | IsoForms.OffsetWithoutMinutes, destination, out _) ? 1 : 0;
            accepted += ColumnValues.IsTimestamp(timestamp) || ColumnValues.IsDate(date) ? 1 : 0;
            accepted += DateOrderInference.TryCanonical(date, DateOrder.DayFirst, destination, out _) ? 1 : 0;
        }

        return accepted;
    }
}
