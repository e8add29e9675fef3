using System.Globalization;
using System.Text;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using MiniExcelLibs;
using static Diviora.Tests.Engine.Excel.Xlsx;

namespace Diviora.Tests.Engine.Excel;

[Trait("Category", "Unit")]
public class ExcelRecordReaderTests
{
    private static ExcelRecordReader Open(byte[] workbook, string? sheet = null, ExcelReaderLimits? limits = null) =>
        ExcelRecordReader.Open(new MemoryStream(workbook), sheet, limits);

    /// <summary>Every record of the reader as text, null for a null cell.</summary>
    private static List<string?[]> ReadAll(ExcelRecordReader reader)
    {
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            var row = new string?[reader.Header.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsNull(i) ? null : reader[i].ToString();
            }

            rows.Add(row);
        }

        return rows;
    }

    private static void AssertRow(string?[] expected, string?[] actual) => Assert.Equal<IEnumerable<string?>>(expected, actual);

    [Fact]
    public void Typed_cells_written_by_MiniExcel_come_out_in_canonical_text()
    {
        using var file = new MemoryStream();
        file.SaveAs(new[]
        {
            new Dictionary<string, object?>
            {
                ["amount"] = 12.5,
                ["count"] = 3,
                ["tenth"] = 0.1,
                ["day"] = new DateTime(2024, 1, 2),
                ["stamp"] = new DateTime(2024, 1, 2, 10, 11, 12),
                ["precise"] = new DateTime(2024, 1, 2, 10, 11, 12, 345),
                ["flag"] = true,
                ["off"] = false,
                ["code"] = "08123",
                ["none"] = null,
            },
        });

        using var reader = Open(file.ToArray());

        Assert.Equal(["amount", "count", "tenth", "day", "stamp", "precise", "flag", "off", "code", "none"], reader.Header);
        var row = Assert.Single(ReadAll(reader));
        AssertRow(["12.5", "3", "0.1", "2024-01-02", "2024-01-02T10:11:12", "2024-01-02T10:11:12.345", "true", "false", "08123", null], row);
    }

    [Fact]
    public void Numbers_use_shortest_round_trip_digits_without_exponent()
    {
        var values = new[]
        {
            ("12.5", "12.5"), ("3", "3"), ("3.0", "3"), ("0.1", "0.1"), ("-0", "0"), ("1E+20", "100000000000000000000"),
            ("1.5E-7", "0.00000015"), ("123456789012345678", "123456789012345680"), ("0.30000000000000004", "0.30000000000000004"),
            ("-2.5E+3", "-2500"), ("1E+300", "1E+300"), ("7", "7"),
        };
        var header = Row(1, values.Select((_, i) => Text($"{(char)('A' + i)}1", $"n{i}")).ToArray());
        // The last value has a "0.00" format, which is a number format and not a date.
        var data = Row(2, values.Select((v, i) => Num($"{(char)('A' + i)}2", v.Item1, i == values.Length - 1 ? TwoDecimals : General)).ToArray());

        using var reader = Open(Workbook(header + data));

        AssertRow(values.Select(v => v.Item2).ToArray(), Assert.Single(ReadAll(reader)));
    }

    [Fact]
    public void Numbers_do_not_depend_on_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            using var reader = Open(Workbook(Row(1, Text("A1", "x"), Text("B1", "d")) + Row(2, Num("A2", "12.5"), Num("B2", "45000.5", Xlsx.DateTime))));
            AssertRow(["12.5", "2023-03-15T12:00:00"], Assert.Single(ReadAll(reader)));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Date_formatted_cells_become_dates_or_datetimes()
    {
        var workbook = Workbook(
            Row(1, Text("A1", "day"), Text("B1", "noon"), Text("C1", "ms"), Text("D1", "typed"), Text("E1", "early")) +
            Row(2, Num("A2", "45000", Date), Num("B2", "45000.5", Xlsx.DateTime), Num("C2", "45000.1234567", DateTimeMs),
                """<c r="D2" t="d"><v>2024-01-02T10:11:12</v></c>""", Num("E2", "45000.0000115740740", Xlsx.DateTime)));

        using var reader = Open(workbook);

        // 0.0000115740740 days is one second, stored with binary noise that must not show up as 00:00:00.999.
        AssertRow(["2023-03-15", "2023-03-15T12:00:00", "2023-03-15T02:57:46.659", "2024-01-02T10:11:12", "2023-03-15T00:00:01"], Assert.Single(ReadAll(reader)));
    }

    [Fact]
    public void A_1904_workbook_gives_the_same_calendar_dates()
    {
        // Serial 0 in the 1904 date system is 1 January 1904; 43538 is 2023-03-15.
        var sheet = new Sheet("Data", Row(1, Text("A1", "d")) + Row(2, Num("A2", "43538", Date)) + Row(3, Num("A3", "0.5", Xlsx.DateTime)));

        using var reader = ExcelRecordReader.Open(new MemoryStream(Workbook([sheet], date1904: true)));

        Assert.Equal([["2023-03-15"], ["1904-01-01T12:00:00"]], ReadAll(reader));
    }

    [Fact]
    public void Formula_cells_give_their_cached_values_and_error_cells_their_error_text()
    {
        var workbook = Workbook(
            Row(1, Text("A1", "sum"), Text("B1", "label"), Text("C1", "test"), Text("D1", "ratio"), Text("E1", "lookup"), Text("F1", "day")) +
            Row(2,
                """<c r="A2"><f>1+2</f><v>3</v></c>""",
                """<c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>""",
                """<c r="C2" t="b"><f>1=1</f><v>1</v></c>""",
                """<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>""",
                """<c r="E2" t="e"><v>#N/A</v></c>""",
                """<c r="F2" s="1"><f>DATE(2024,1,2)</f><v>45293</v></c>"""));

        using var reader = Open(workbook);

        AssertRow(["3", "ab", "true", "#DIV/0!", "#N/A", "2024-01-02"], Assert.Single(ReadAll(reader)));
    }

    [Fact]
    public void Text_comes_from_shared_strings_and_inline_strings_as_is()
    {
        var workbook = Workbook(
            Row(1, Shared("A1", 0), Shared("B1", 1), Text("C1", "inline")) +
            Row(2, Shared("A2", 2), Shared("B2", 3), Text("C2", "  padded  ")),
            sharedStrings: ["code", "note", "08123", "line one\nline two <&>"]);

        using var reader = Open(workbook);

        Assert.Equal(["code", "note", "inline"], reader.Header);
        AssertRow(["08123", "line one\nline two <&>", "  padded  "], Assert.Single(ReadAll(reader)));
    }

    [Fact]
    public void Blank_and_repeated_header_names_are_made_unique()
    {
        var workbook = Workbook(
            Row(1, Text("A1", "id"), Text("C1", "name"), Text("D1", "id"), Text("E1", "id"), Text("F1", "  "), Text("G1", "column_2"), Text("H1", "Name")) +
            Row(2, Num("A2", "1"), Num("H2", "8")));

        using var reader = Open(workbook);

        Assert.Equal(["id", "column_2", "name", "id_2", "id_3", "column_6", "column_2_2", "Name"], reader.Header);
        Assert.Equal([["1", null, null, null, null, null, null, "8"]], ReadAll(reader));
    }

    [Fact]
    public void The_header_is_the_first_non_empty_row_and_empty_rows_are_skipped()
    {
        var workbook = Workbook(
            Row(2, """<c r="A2" s="1"/>""", Text("B2", "")) +
            Row(3, Text("B3", "a"), Text("C3", "b")) +
            Row(5, Num("B5", "1"), Num("C5", "2")) +
            Row(6, """<c r="B6" s="1"/>""") +
            Row(9, Num("C9", "4")),
            sharedStrings: []);

        using var reader = Open(workbook);

        // The sheet's data starts in column B, but columns count from A, as Excel shows them.
        Assert.Equal(["column_1", "a", "b"], reader.Header);
        Assert.Equal("sheet 'Data' row 3", reader.Location);
        Assert.True(reader.Read());
        Assert.Equal(1, reader.RowNumber);
        Assert.Equal(5, reader.ExcelRowNumber);
        Assert.Equal("sheet 'Data' row 5", reader.Location);
        Assert.True(reader.IsNull(0));
        Assert.Equal("1", reader[1].ToString());
        Assert.True(reader.Read());
        Assert.Equal(2, reader.RowNumber);
        Assert.Equal("sheet 'Data' row 9", reader.Location);
        Assert.True(reader.IsNull(1));
        Assert.Equal("4", reader[2].ToString());
        Assert.False(reader.Read());
    }

    [Fact]
    public void Short_rows_have_null_cells_at_the_end_and_in_gaps()
    {
        var workbook = Workbook(
            Row(1, Text("A1", "a"), Text("B1", "b"), Text("C1", "c"), Text("D1", "d")) +
            Row(2, Num("A2", "1")) +
            Row(3, Num("B3", "2"), Text("D3", "x")) +
            Row(4, Text("A4", ""), Num("C4", "3")));

        using var reader = Open(workbook);

        Assert.Equal(
            [["1", null, null, null], [null, "2", null, "x"], [null, null, "3", null]],
            ReadAll(reader));
    }

    [Fact]
    public void Reading_a_null_cell_gives_an_empty_span()
    {
        using var reader = Open(Workbook(Row(1, Text("A1", "a"), Text("B1", "b")) + Row(2, Num("A2", "1"))));

        Assert.True(reader.Read());
        Assert.False(reader.IsNull(0));
        Assert.True(reader.IsNull(1));
        Assert.True(reader[1].IsEmpty);
    }

    [Fact]
    public void A_value_to_the_right_of_the_header_is_an_error_naming_row_and_column()
    {
        var workbook = Workbook(
            Row(1, Text("A1", "a"), Text("B1", "b"), Text("C1", "c")) +
            Row(2, Num("A2", "1"), """<c r="E2" s="1"/>""") +
            Row(3, Num("A3", "1"), Num("D3", "9")));

        using var reader = Open(workbook);

        Assert.True(reader.Read()); // an empty cell past the header is fine
        var error = Assert.Throws<IngestionDataException>(() => reader.Read());
        Assert.Contains("row 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("column D", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sheet 'Data' row 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cell_beyond_a_too_small_dimension_is_still_seen()
    {
        var workbook = Workbook(Row(1, Text("A1", "a"), Text("B1", "b")) + Row(2, Num("A2", "1"), Num("D2", "9")), dimension: "A1:B2");

        using var reader = Open(workbook);

        var error = Assert.Throws<IngestionDataException>(() => reader.Read());
        Assert.Contains("column D", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_sheet_is_read_unless_another_is_named()
    {
        var workbook = Workbook(
        [
            new Sheet("Q1 Sales", Row(1, Text("A1", "q1")) + Row(2, Num("A2", "1"))),
            new Sheet("Q2 Sales", Row(1, Text("A1", "q2")) + Row(4, Num("A4", "2"))),
        ]);

        using (var first = Open(workbook))
        {
            Assert.Equal("Q1 Sales", first.SheetName);
            Assert.Equal(["q1"], first.Header);
            Assert.Equal([["1"]], ReadAll(first));
        }

        using var second = Open(workbook, "q2 sales");
        Assert.Equal("Q2 Sales", second.SheetName);
        Assert.Equal(["q2"], second.Header);
        Assert.True(second.Read());
        Assert.Equal("2", second[0].ToString());
        Assert.Equal("sheet 'Q2 Sales' row 4", second.Location);
    }

    [Fact]
    public void A_missing_sheet_is_an_error_listing_the_sheets()
    {
        var workbook = Workbook([new Sheet("Alpha", Row(1, Text("A1", "a"))), new Sheet("Beta", Row(1, Text("A1", "b")))]);

        var error = Assert.Throws<IngestionDataException>(() => Open(workbook, "Gamma"));

        Assert.Contains("'Gamma'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Alpha', 'Beta'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_sheet_has_no_header_row()
    {
        var error = Assert.Throws<IngestionDataException>(() => Open(Workbook(Row(1, """<c r="A1" s="1"/>"""))));

        Assert.Contains("no header row", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("A1:A1")] // a dimension that understates the width leaves the far cell alone in a row of two cells
    public void A_header_wider_than_the_column_limit_is_refused(string? dimension)
    {
        var workbook = Workbook(Row(1, Text("A1", "a"), Text("B1", "b"), Text("D1", "d")), dimension: dimension);

        var error = Assert.Throws<IngestionDataException>(() => Open(workbook, limits: new ExcelReaderLimits { MaxColumns = 3 }));

        Assert.Contains("limit of 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cells_without_references_are_placed_left_to_right()
    {
        var workbook = Workbook(
            """<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>""" +
            """<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>""");

        using var reader = Open(workbook);

        Assert.Equal(["a", "b"], reader.Header);
        Assert.Equal([["1", "2"], ["3", null]], ReadAll(reader));
    }

    [Fact]
    public void A_sheet_declaring_every_column_is_refused_at_its_first_row()
    {
        // MiniExcel widens every row to the declared dimension, so XFD would cost 16,384 cells a row.
        var workbook = Workbook(Row(1, Text("A1", "a")) + Row(2, Num("A2", "1")), dimension: "A1:XFD2");

        var error = Assert.Throws<IngestionDataException>(() => Open(workbook));

        Assert.Contains("16384 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workbook_expanding_past_the_limit_is_refused_before_reading()
    {
        var rows = string.Concat(Enumerable.Range(1, 200).Select(r => Row(r, Text($"A{r}", new string('x', 100)))));
        var workbook = Workbook(rows);
        Assert.True(workbook.Length < 10_000);

        var error = Assert.Throws<IngestionDataException>(() => Open(workbook, limits: new ExcelReaderLimits { MaxExpandedBytes = 10_000 }));

        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
        Assert.Contains("9.8 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_highly_compressed_large_part_is_refused_as_a_zip_bomb()
    {
        // 11 MB of blanks, which XML allows between rows, compresses about 1000 times: far past what real sheet XML does.
        var sheet = new byte[11 * 1024 * 1024];
        Array.Fill(sheet, (byte)' ');

        var workbook = Zip(("xl/workbook.xml", Encoding.UTF8.GetBytes("<workbook/>")), ("xl/worksheets/sheet1.xml", sheet));

        var error = Assert.Throws<IngestionDataException>(() => Open(workbook));

        Assert.Contains("xl/worksheets/sheet1.xml", error.Message, StringComparison.Ordinal);
        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id,name\n1,Ann\n")]
    [InlineData("")]
    public void A_file_that_is_not_a_zip_is_not_a_workbook(string content)
    {
        var error = Assert.Throws<IngestionDataException>(() => Open(Encoding.UTF8.GetBytes(content)));

        Assert.Contains("not an Excel .xlsx workbook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip_without_a_workbook_part_is_not_a_workbook()
    {
        var error = Assert.Throws<IngestionDataException>(() => Open(Zip(("word/document.xml", "<document/>"u8.ToArray()))));

        Assert.Contains("not an Excel .xlsx workbook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_xls_file_gets_a_hint_to_save_as_xlsx()
    {
        var xls = new byte[512];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(xls, 0);

        var error = Assert.Throws<IngestionDataException>(() => Open(xls));

        Assert.Contains("not an Excel .xlsx workbook", error.Message, StringComparison.Ordinal);
        Assert.Contains(".xls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_sheet_xml_is_a_data_error()
    {
        var workbook = Workbook(Row(1, Text("A1", "a")) + Row(2, Num("A2", "1")) + "<row r=\"3\"><c r=\"A3\"><v>2</v></row>");

        var error = Assert.ThrowsAny<IngestionDataException>(() =>
        {
            using var reader = Open(workbook);
            while (reader.Read())
            {
            }
        });

        Assert.Contains("Sheet 'Data'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sheet_with_a_dtd_is_refused_rather_than_expanded()
    {
        // The classic "billion laughs": entity expansion in the sheet XML would blow up memory if DTDs were processed.
        var bytes = Workbook(Row(1, Text("A1", "a")));
        var sheet = """
            <?xml version="1.0"?>
            <!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>
            """;
        var workbook = Replace(bytes, "xl/worksheets/sheet1.xml", sheet);

        var error = Assert.ThrowsAny<IngestionDataException>(() =>
        {
            using var reader = Open(workbook);
            while (reader.Read())
            {
            }
        });

        Assert.Contains("Sheet 'Data'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_read_through_a_temporary_file()
    {
        var workbook = Workbook(Row(1, Text("A1", "a")) + Row(2, Num("A2", "1")) + Row(3, Num("A3", "2")));

        using var reader = ExcelRecordReader.Open(new ForwardOnlyStream(new MemoryStream(workbook)));

        Assert.Equal([["1"], ["2"]], ReadAll(reader));
    }

    [Fact]
    public void The_callers_stream_stays_open_after_dispose()
    {
        var stream = new MemoryStream(Workbook(Row(1, Text("A1", "a")) + Row(2, Num("A2", "1"))));

        using (var reader = ExcelRecordReader.Open(stream))
        {
            Assert.True(reader.Read());
        }

        Assert.True(stream.CanRead);
    }

    private static byte[] Replace(byte[] workbook, string part, string content)
    {
        using var source = new System.IO.Compression.ZipArchive(new MemoryStream(workbook));
        var entries = source.Entries.Select(e =>
        {
            using var s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return (e.FullName, e.FullName == part ? Encoding.UTF8.GetBytes(content) : copy.ToArray());
        }).ToArray();
        return Zip(entries);
    }
}
