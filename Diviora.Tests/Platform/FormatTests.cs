using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>Delimited files in the shapes real exports take: other delimiters, encodings, gzip, no header.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class FormatTests(PlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task A_gzipped_semicolon_file_in_windows_1252_is_detected_and_read()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = Encoding.GetEncoding(1252).GetBytes("Stadt;Betrag;Notiz\r\nKöln;12.50;\"Grüße; €\"\r\nMünchen;7;\r\n");
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(text);
        }

        using var upload = await _api.UploadAsync("german-export", compressed.ToArray(), "export.csv.gz");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("csv (';', windows-1252, gzip)", run.GetProperty("format").GetString());
        var rows = await RowsAsync("german-export");
        Assert.Equal("Köln", rows[0].GetProperty("Stadt").GetString());
        Assert.Equal("Grüße; €", rows[0].GetProperty("Notiz").GetString());
        Assert.Equal(12.50m, rows[0].GetProperty("Betrag").GetDecimal());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("Notiz").ValueKind);
    }

    [Fact]
    public async Task A_windows_1252_file_whose_first_accent_comes_after_the_sample_is_still_read()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = "id,name\n" + string.Concat(Enumerable.Range(1, 8000).Select(i => $"{i},plain name {i}\n")) + "8001,Zoë\n";

        using var upload = await _api.UploadAsync("late-accent", Encoding.GetEncoding(1252).GetBytes(text), "late.csv");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("csv (',', windows-1252)", run.GetProperty("format").GetString());
        var last = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/late-accent/rows?offset=8000&limit=1");
        Assert.Equal("Zoë", last.GetProperty("rows")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Utf16_text_with_a_byte_order_mark_is_read_and_named()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("name;city\nZoë;Köln\n")).ToArray();

        using var upload = await _api.UploadAsync("utf16-export", bytes, "export.csv");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("csv (';', utf-16)", run.GetProperty("format").GetString());
        Assert.Equal("Köln", (await RowsAsync("utf16-export"))[0].GetProperty("city").GetString());
    }

    [Fact]
    public async Task A_compressed_binary_file_is_refused_at_once_without_retries()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[20 * 1024 * 1024]);
        }

        using var upload = await _api.UploadAsync("zeros", compressed.ToArray(), "zeros.csv.gz");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.StartsWith("The file looks binary", run.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tsv_file_is_read_as_tab_delimited()
    {
        using var upload = await _api.UploadAsync("tabbed", "id\tname, with comma\n1\tx, y\n", "data.tsv");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("x, y", (await RowsAsync("tabbed"))[0].GetProperty("name, with comma").GetString());
    }

    [Fact]
    public async Task A_file_without_header_gets_generated_column_names_when_told()
    {
        using var upload = await _api.UploadAsync("no-header", Encoding.UTF8.GetBytes("1|alpha\n2|beta\n"), "data.txt", "?header=false&delimiter=|");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var rows = await RowsAsync("no-header");
        Assert.Equal(2, rows.Length);
        Assert.Equal(1, rows[0].GetProperty("column_1").GetInt64());
        Assert.Equal("beta", rows[1].GetProperty("column_2").GetString());
    }

    [Fact]
    public async Task A_json_array_is_flattened_to_dotted_columns_with_arrays_kept_as_json()
    {
        const string json = """
            [
              {"id": 1, "customer": {"name": "Zoë", "address": {"city": "Köln"}}, "tags": ["a", "b"], "amount": 12.50},
              {"id": 2, "customer": {"name": "Bo"}, "tags": [], "amount": null, "extra": true}
            ]
            """;
        using var upload = await _api.UploadAsync("orders-json", json, "orders.json");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("json", run.GetProperty("format").GetString());
        var rows = await RowsAsync("orders-json");
        Assert.Equal(
            """{"id":1,"customer.name":"Zoë","customer.address.city":"Köln","tags":"[\"a\",\"b\"]","amount":12.50,"extra":null}""",
            rows[0].GetRawText());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("customer.address.city").ValueKind);
        Assert.True(rows[1].GetProperty("extra").GetBoolean());
    }

    [Fact]
    public async Task Json_lines_load_one_record_per_line_and_a_bad_line_is_named()
    {
        using var good = await _api.UploadAsync("events-jsonl", "{\"n\":1,\"kind\":\"a\"}\n\n{\"n\":2,\"kind\":\"b\"}\n", "events.jsonl");
        using var bad = await _api.UploadAsync("events-jsonl-bad", "{\"n\":1}\n{\"n\":2,}\n", "events.jsonl");

        var ok = await _api.WaitForRunAsync(good.Headers.Location!.ToString());
        var failed = await _api.WaitForRunAsync(bad.Headers.Location!.ToString());

        Assert.Equal("Succeeded", ok.GetProperty("status").GetString());
        Assert.Equal(2, ok.GetProperty("rowsLoaded").GetInt64());
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.StartsWith("Record 2 (line 2): invalid JSON", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_excel_workbook_keeps_its_typed_cells_and_reads_the_sheet_asked_for()
    {
        using var workbook = new MemoryStream();
        var sheets = new Dictionary<string, object>
        {
            ["Summary"] = new[] { new Dictionary<string, object?> { ["note"] = "not this one" } },
            ["Orders"] = new[]
            {
                new Dictionary<string, object?> { ["id"] = 1, ["zip"] = "08123", ["amount"] = 12.5, ["ordered"] = new DateTime(2024, 1, 2), ["paid"] = true },
                new Dictionary<string, object?> { ["id"] = 2, ["zip"] = "10115", ["amount"] = 7, ["ordered"] = new DateTime(2024, 3, 4, 10, 11, 12), ["paid"] = false },
            },
        };
        MiniExcelLibs.MiniExcel.SaveAs(workbook, sheets);

        using var upload = await _api.UploadAsync("orders-xlsx", workbook.ToArray(), "orders.xlsx", "?sheet=Orders");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("xlsx (sheet 'Orders')", run.GetProperty("format").GetString());
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/orders-xlsx");
        Assert.Equal(
            ["id:integer", "zip:text", "amount:decimal", "ordered:timestamp", "paid:boolean"],
            dataset.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name")}:{c.GetProperty("type")}"));
        var rows = await RowsAsync("orders-xlsx");
        Assert.Equal(
            """{"id":1,"zip":"08123","amount":12.5,"ordered":"2024-01-02T00:00:00","paid":true}""",
            rows[0].GetRawText());
        Assert.Equal("2024-03-04T10:11:12", rows[1].GetProperty("ordered").GetString());
    }

    [Fact]
    public async Task Day_first_dates_are_read_as_dates_when_the_column_decides_it_and_runs_report_their_timings()
    {
        var run = await _api.LoadAsync("euro-dates", "booked,ambiguous\n03/04/2024,03/04/2024\n25/12/2024,04/05/2024\n");

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("timings").GetProperty("stageMs").GetInt64() >= 0);
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/euro-dates");
        Assert.Equal(["booked:date", "ambiguous:text"], dataset.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name")}:{c.GetProperty("type")}"));
        var rows = await RowsAsync("euro-dates");
        Assert.Equal(["2024-04-03", "2024-12-25"], rows.Select(r => r.GetProperty("booked").GetString()));
        Assert.Equal("03/04/2024", rows[0].GetProperty("ambiguous").GetString());
    }

    [Theory]
    [InlineData("?format=xml", "format 'xml' is not one of")]
    [InlineData("?delimiter=ab", "delimiter 'ab' must be one character")]
    [InlineData("?encoding=ebcdic", "encoding 'ebcdic' is not one of")]
    [InlineData("?header=maybe", "header must be true or false")]
    public async Task A_bad_format_option_is_a_400_that_names_it(string query, string expected)
    {
        using var response = await _api.UploadAsync("bad-option", Encoding.UTF8.GetBytes("a\n1\n"), "data.txt", query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("Invalid format option", problem.GetProperty("title").GetString());
        Assert.StartsWith(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_gzip_file_fails_its_run_clearly()
    {
        using var upload = await _api.UploadAsync("corrupt-gzip", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07], "data.csv.gz");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.StartsWith("The gzip data is corrupt", run.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement[]> RowsAsync(string dataset) =>
        [.. (await _api.GetFromJsonAsync<JsonElement>($"/api/datasets/{dataset}/rows")).GetProperty("rows").EnumerateArray()];
}
