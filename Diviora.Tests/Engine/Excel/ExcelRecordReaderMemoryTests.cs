using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using MiniExcelLibs;
using Xunit.Abstractions;

namespace Diviora.Tests.Engine.Excel;

/// <summary>Runs alone, because it measures the process's live heap, which other tests running beside it would move.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection(nameof(MemoryCollection))]
[Trait("Category", "Unit")]
public sealed class ExcelRecordReaderMemoryTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("diviora-xlsx-tests-").FullName;

    [Fact]
    public void Reading_five_times_the_rows_keeps_the_live_heap_flat()
    {
        var smallFile = WriteWorkbook(20_000);
        var largeFile = WriteWorkbook(100_000);
        var (small, smallAllocated) = Measure(smallFile, 20_000);
        var (large, largeAllocated) = Measure(largeFile, 100_000);

        output.WriteLine(
            $"peak live heap: 20,000 rows {small / 1048576.0:F2} MiB, 100,000 rows {large / 1048576.0:F2} MiB; " +
            $"allocated: {smallAllocated / 1048576.0:F0} MiB and {largeAllocated / 1048576.0:F0} MiB");
        // Keeping the rows (7 cells of about 40 bytes each) would add some 25 MiB here; streaming adds next to nothing.
        Assert.True(large < small * 1.5, $"The live heap grew from {small:N0} to {large:N0} bytes.");
        Assert.True(large - small < 4 * 1048576, $"The live heap grew from {small:N0} to {large:N0} bytes.");
    }

    private string WriteWorkbook(int rows)
    {
        var path = Path.Combine(_directory, $"{rows}.xlsx");
        var start = new DateTime(2020, 1, 1);
        MiniExcel.SaveAs(path, Enumerable.Range(0, rows).Select(i => new Dictionary<string, object>
        {
            ["id"] = i,
            ["amount"] = i * 0.1,
            ["day"] = start.AddDays(i % 3650),
            ["stamp"] = start.AddSeconds(i * 37L),
            ["flag"] = i % 2 == 0,
            ["name"] = "name " + i,
            ["code"] = "0" + (8123 + i),
        }));
        return path;
    }

    /// <summary>
    /// Reads the whole sheet, measuring the process's live heap after a full collection every few thousand rows, and
    /// the bytes this thread allocated.
    /// </summary>
    private static (long PeakLive, long Allocated) Measure(string path, int expectedRows)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long peak = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using (var file = File.OpenRead(path))
        using (var reader = ExcelRecordReader.Open(file))
        {
            var checksum = 0;
            while (reader.Read())
            {
                for (var i = 0; i < reader.Header.Count; i++)
                {
                    checksum += reader[i].Length;
                }

                if (reader.RowNumber % 5_000 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                }
            }

            Assert.Equal(expectedRows, reader.RowNumber);
            Assert.True(checksum > 0);
        }

        return (peak, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
