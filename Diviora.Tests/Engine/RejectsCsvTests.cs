using System.Text;
using Diviora.Core.Ingestion.Rejects;

namespace Diviora.Tests.Engine;

/// <summary>
/// The rejects download: values a source wrote that a spreadsheet would run as formulas arrive as text, while the stored
/// file and the rejects page keep every value as it came.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RejectsCsvTests : IDisposable
{
    private const string Name = "sales/run.csv";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "diviora-rejects-" + Guid.NewGuid().ToString("N"));
    private readonly FolderRejectsStore _store;

    public RejectsCsvTests() => _store = new FolderRejectsStore(_root);

    public static TheoryData<string, string> Formulas => new()
    {
        { "=HYPERLINK(\"http://127.0.0.1/x\",\"y\")", "\"'=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"y\"\")\"" },
        { "+1", "\"'+1\"" },
        { "-2+3", "\"'-2+3\"" },
        { "@SUM(A1)", "\"'@SUM(A1)\"" },
        { "\tindented", "\"'\tindented\"" },
        { "\rreturned", "\"'\rreturned\"" },
        { "-A1", "\"'-A1\"" },
        { "-1e3", "\"'-1e3\"" },
        { "-5.", "\"'-5.\"" },
    };

    [Theory]
    [MemberData(nameof(Formulas))]
    public async Task A_value_a_spreadsheet_would_run_is_downloaded_with_a_leading_apostrophe(string value, string cell)
    {
        await StoreAsync((1, "note", value, "too long"));

        Assert.Equal($"1,note,{cell},too long", (await DownloadAsync(raw: false))[1]);
    }

    [Theory]
    [InlineData("plain text", "\"plain text\"")]
    [InlineData("-5", "\"-5\"")]
    [InlineData("-2.50", "\"-2.50\"")]
    [InlineData("5-3", "\"5-3\"")]
    [InlineData("a=b", "\"a=b\"")]
    [InlineData("", "\"\"")]
    public async Task Plain_text_and_negative_numbers_are_downloaded_as_they_came(string value, string cell)
    {
        await StoreAsync((1, "amount", value, "'-5' is less than the minimum 0"));

        Assert.Equal($"1,amount,{cell},'-5' is less than the minimum 0", (await DownloadAsync(raw: false))[1]);
    }

    [Fact]
    public async Task Columns_and_reasons_that_start_a_formula_are_neutralised_too()
    {
        await StoreAsync((7, "=cmd|' /C calc'!A0", null, "@reason"), (8, "-", "x", "+ok"));

        var lines = await DownloadAsync(raw: false);

        Assert.Equal(["rowNumber,column,value,reason", "7,\"'=cmd|' /C calc'!A0\",,\"'@reason\"", "8,\"'-\",\"x\",\"'+ok\"", ""], lines);
    }

    [Fact]
    public async Task The_stored_file_the_rejects_page_and_a_raw_download_keep_the_values_as_they_came()
    {
        const string hyperlink = "=HYPERLINK(\"http://127.0.0.1/x\",\"y\")";
        await StoreAsync((3, "note", hyperlink, "@SUM(A1) is not allowed"));

        var page = await new RejectsReader(_store).ReadPageAsync(Name, 0, 10, CancellationToken.None);
        var stored = await File.ReadAllTextAsync(Path.Combine(_root, Name));

        Assert.Equal(new Reject(3, "note", hyperlink, "@SUM(A1) is not allowed"), Assert.Single(page));
        Assert.Equal("rowNumber,column,value,reason\n3,note,\"=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"y\"\")\",@SUM(A1) is not allowed\n", stored);
        Assert.Equal(stored, string.Join('\n', await DownloadAsync(raw: true)));
    }

    [Fact]
    public async Task A_null_value_stays_apart_from_an_empty_one()
    {
        await StoreAsync((1, "a", null, "required"), (2, "a", "", "empty"));

        Assert.Equal(["1,a,,required", "2,a,\"\",empty"], (await DownloadAsync(raw: false))[1..3]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task StoreAsync(params (long Row, string Column, string? Value, string Reason)[] rejects)
    {
        await using var writer = new RejectsWriter(_store, Name);
        foreach (var (row, column, value, reason) in rejects)
        {
            await writer.AddAsync(row, column, value?.AsMemory(), reason, CancellationToken.None);
        }

        await writer.CompleteAsync();
    }

    private async Task<string[]> DownloadAsync(bool raw)
    {
        await using var stored = await _store.OpenReadAsync(Name, CancellationToken.None);
        using var output = new MemoryStream();
        await RejectsCsv.WriteForPeopleAsync(stored, output, raw, CancellationToken.None);
        // Rows end with \n; a \r inside a quoted cell stays part of its line.
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n');
    }
}
