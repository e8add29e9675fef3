using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Storage;
using Microsoft.Extensions.Options;
using static Diviora.Tests.Engine.Excel.Xlsx;

namespace Diviora.Tests.Engine;

/// <summary>
/// Compression bombs stop early: a gzip that expands a thousand times fails once the ratio floor is passed, not after
/// gigabytes, and format detection expands a workbook only so far. Ordinary files pass.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ExpansionLimitTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "diviora-expansion-" + Guid.NewGuid().ToString("N"));

    public ExpansionLimitTests() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task A_gzip_that_would_expand_past_a_gibibyte_fails_right_after_the_floor_naming_the_ratio_the_limit_and_the_setting()
    {
        var bomb = Bomb(expandedMiB: 1280);
        Assert.InRange(bomb.Length, 1, 4 * MiB);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<IngestionDataException>(() => ReadAllAsync(bomb, new IngestionLimits()));

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Matches(@"^The compressed file expands [\d,]+ times: 100(\.\d)? MiB came out of [\d.]+ KiB, more than the limit of 100 times once past 100 MiB " +
            @"\(Diviora:Ingestion:Limits:MaxExpansionRatio\)\. No data file compresses that well", error.Message);
    }

    [Fact]
    public void The_bomb_stops_within_one_buffer_of_the_floor()
    {
        using var gzip = new BoundedGzipStream(new MemoryStream(Bomb(expandedMiB: 1280)), new IngestionLimits());
        var buffer = new byte[1 << 16];

        Assert.Throws<IngestionDataException>(() => { while (gzip.Read(buffer) > 0) { } });

        Assert.InRange(gzip.BytesOut, 100 * MiB, 100 * MiB + buffer.Length);
    }

    [Fact]
    public async Task An_ordinary_csv_that_shrank_about_five_times_reads_to_the_end_past_a_small_floor()
    {
        // The floor lowered to 1 MiB so the ratio is checked over almost all of a 6 MiB file.
        var limits = new IngestionLimits { ExpansionRatioFloorBytes = MiB };
        var (payload, expanded) = OrdinaryCsv(rows: 80_000);
        Assert.InRange(expanded / (double)payload.Length, 3, 12);

        var rows = await ReadAllAsync(payload, limits);

        Assert.Equal(80_000, rows);
    }

    [Fact]
    public async Task The_same_bomb_fails_at_a_lower_floor_and_the_total_limit_still_holds()
    {
        var bomb = Bomb(expandedMiB: 64);

        var ratio = await Assert.ThrowsAsync<IngestionDataException>(() => ReadAllAsync(bomb, new IngestionLimits { ExpansionRatioFloorBytes = MiB }));
        var total = await Assert.ThrowsAsync<IngestionDataException>(() => ReadAllAsync(bomb, new IngestionLimits { MaxExpandedBytes = 10 * MiB }));

        Assert.Contains("more than the limit of 100 times once past 1 MiB", ratio.Message, StringComparison.Ordinal);
        Assert.Equal("The compressed file expands to more than the limit of 10 MiB (Diviora:Ingestion:Limits:MaxExpandedBytes); " +
            "it is refused as a possible compression bomb.", total.Message);
    }

    [Fact]
    public void Detection_of_a_workbook_that_expands_past_its_bound_names_the_format_without_reading_the_sheet()
    {
        // 80 MiB of blanks between rows, which XML allows, in a workbook of well under 1 MiB.
        var sheet = new byte[80 * MiB];
        Array.Fill(sheet, (byte)' ');
        "<worksheet><sheetData>"u8.CopyTo(sheet);
        "</sheetData></worksheet>"u8.CopyTo(sheet.AsSpan(sheet.Length - 24));
        var workbook = Zip(("xl/workbook.xml", "<workbook/>"u8.ToArray()), ("xl/worksheets/sheet1.xml", sheet));
        Assert.InRange(workbook.Length, 1, MiB);
        var watch = Stopwatch.StartNew();

        var preview = SamplePreview.Read(workbook, complete: true, "book.xlsx", new FormatOptions(), new IngestionLimits());

        Assert.Equal("xlsx", preview.Format.Name);
        Assert.Empty(preview.Columns);
        Assert.False(preview.SampleIsWhole);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Detection_previews_a_workbook_within_the_bound_and_the_bound_is_a_setting()
    {
        var workbook = Workbook(Row(1, Text("A1", "name")) + string.Concat(Enumerable.Range(2, 500).Select(r => Row(r, Text($"A{r}", $"row {r}")))));

        var preview = SamplePreview.Read(workbook, complete: true, "book.xlsx", new FormatOptions(), new IngestionLimits());
        var bounded = SamplePreview.Read(workbook, complete: true, "book.xlsx", new FormatOptions(), new IngestionLimits { MaxDetectionExpandedBytes = 10_000 });

        Assert.Equal(["name"], preview.Columns.Select(c => c.Name));
        Assert.Equal("row 2", preview.Rows[0][0]);
        Assert.True(preview.SampleIsWhole);
        Assert.Empty(bounded.Columns);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// A CSV whose rows are one repeated 1,000-character value, as gzip members of 16 MiB each, concatenated (gzip allows
    /// that): made in milliseconds, about 1,000 times smaller than what it expands to.
    /// </summary>
    internal static byte[] Bomb(int expandedMiB)
    {
        var row = new string('x', 999) + "\n";
        var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(row, (int)(16 * MiB / row.Length))));
        var member = Gzip(chunk);
        using var bomb = new MemoryStream();
        bomb.Write(Gzip("value\n"u8.ToArray()));
        for (var written = 0L; written < expandedMiB * MiB; written += chunk.Length)
        {
            bomb.Write(member);
        }

        return bomb.ToArray();
    }

    /// <summary>Rows of ids, amounts, dates and names, as real exports look: gzip shrinks them about five times.</summary>
    private static (byte[] Payload, long Expanded) OrdinaryCsv(int rows)
    {
        var random = new Random(42);
        var names = new[] { "Ann", "Bob", "Chloé", "Dmitri", "Eve", "Farah", "Günther", "Hiro" };
        var statuses = new[] { "open", "shipped", "delivered", "returned" };
        var csv = new StringBuilder("id,amount,ordered_at,customer,status,country\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{i},{random.Next(100, 999_999) / 100.0:0.00},2024-{random.Next(1, 13):00}-{random.Next(1, 29):00}T{random.Next(0, 24):00}:{random.Next(0, 60):00}:00," +
                $"{names[random.Next(names.Length)]} {(char)('A' + random.Next(26))}.,{statuses[random.Next(statuses.Length)]},{(i % 7 == 0 ? "FR" : "DE")}\n");
        }

        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        return (Gzip(bytes), bytes.Length);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Stores <paramref name="payload"/> and reads every record the way a run does; answers the record count.</summary>
    private async Task<long> ReadAllAsync(byte[] payload, IngestionLimits limits)
    {
        var name = Guid.NewGuid().ToString("N") + ".csv.gz";
        await File.WriteAllBytesAsync(Path.Combine(_root, name), payload);
        var readers = new RecordReaders(new FolderPayloadStore(_root), Options.Create(limits));
        var (reader, _) = await readers.OpenAsync(name, "data.csv.gz", new FormatOptions(), earlier: null, CancellationToken.None);
        using (reader)
        {
            while (reader.Read())
            {
            }

            return reader.RowNumber;
        }
    }
}
