using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Query;
using Diviora.Core.Query.Export;

namespace Diviora.Tests.Query;

/// <summary>The CSV export's quoting and formula protection, on rows in memory.</summary>
[Trait("Category", "Unit")]
public sealed class CsvExportTests
{
    private static readonly DatasetColumn[] Columns =
    [
        new() { Name = "=HYPERLINK(\"x\")", PhysicalName = "c0", Type = ColumnType.Text, Ordinal = 0 },
        new() { Name = "amount", PhysicalName = "c1", Type = ColumnType.Decimal, Ordinal = 1 },
        new() { Name = "note", PhysicalName = "c2", Type = ColumnType.Text, Ordinal = 2 },
    ];

    [Fact]
    public async Task Formula_cells_and_headers_are_neutralised_but_numbers_are_not()
    {
        var csv = await ExportAsync(raw: false, ["@SUM(1)", -5.25m, "line\nbreak, \"quoted\""], ["\tindent", null, ""]);

        Assert.Equal(
            "\"'=HYPERLINK(\"\"x\"\")\",amount,note\r\n" +
            "\"'@SUM(1)\",-5.25,\"line\nbreak, \"\"quoted\"\"\"\r\n" +
            "\"'\tindent\",,\r\n",
            csv);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://127.0.0.1/x\",\"y\")", "\"'=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"y\"\")\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\rreturned", "\"'\rreturned\"")]
    [InlineData("-5", "\"'-5\"")]
    [InlineData("plain text", "plain text")]
    public async Task A_text_cell_that_starts_a_formula_gets_an_apostrophe_and_plain_text_does_not(string text, string cell)
    {
        // In a text column even -5 is text, so it is neutralised; a number column writes -5 as it is (above).
        var csv = await ExportAsync(raw: false, ["a", 1m, text]);

        Assert.Equal($"\"'=HYPERLINK(\"\"x\"\")\",amount,note\r\na,1,{cell}\r\n", csv);
    }

    [Fact]
    public async Task Raw_gives_the_values_as_loaded()
    {
        var csv = await ExportAsync(raw: true, ["@SUM(1)", -5.25m, "plain"]);

        Assert.Equal("\"=HYPERLINK(\"\"x\"\")\",amount,note\r\n@SUM(1),-5.25,plain\r\n", csv);
    }

    private static async Task<string> ExportAsync(bool raw, params object?[][] rows)
    {
        await using var stream = new RowStream(Columns, rows);
        using var output = new MemoryStream();
        await RowExports.WriteCsvAsync(stream, output, raw, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
