using System.Text;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class CsvRecordReaderTests
{
    [Fact]
    public void Reads_quoted_fields_with_delimiters_doubled_quotes_and_line_breaks()
    {
        var rows = ReadAll("a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,\"line one\nline two\",plain\n");

        Assert.Equal(["a", "b", "c"], rows.Header);
        Assert.Equal(["1", "x, y", "he said \"hi\""], rows.Values[0]);
        Assert.Equal(["2", "line one\nline two", "plain"], rows.Values[1]);
    }

    [Fact]
    public void Keeps_quotes_inside_an_unquoted_field_as_they_are()
    {
        var rows = ReadAll("a,b\n \"x\" ,say \"hi\"\n");

        Assert.Equal([" \"x\" ", "say \"hi\""], rows.Values[0]);
    }

    [Fact]
    public void Reads_crlf_and_quoted_crlf_alike()
    {
        var rows = ReadAll("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n");

        Assert.Equal(["1", "x\r\ny"], rows.Values[0]);
        Assert.Equal(["2", "z"], rows.Values[1]);
    }

    [Fact]
    public void Skips_a_utf8_byte_order_mark_and_keeps_non_ascii_text()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("név,город\nZoë,Москва 東京\n")).ToArray();

        var rows = ReadAll(bytes);

        Assert.Equal(["név", "город"], rows.Header);
        Assert.Equal(["Zoë", "Москва 東京"], rows.Values[0]);
    }

    [Fact]
    public void Tells_an_unquoted_empty_field_null_from_a_quoted_empty_string()
    {
        using var reader = Open("a,b,c\n,\"\",x\n");

        Assert.True(reader.Read());
        Assert.True(reader.IsNull(0));
        Assert.False(reader.IsNull(1));
        Assert.Equal("", reader[1].ToString());
        Assert.False(reader.IsNull(2));
    }

    [Fact]
    public void Skips_blank_lines_and_reads_a_last_row_without_line_break()
    {
        var rows = ReadAll("a,b\n1,2\n\n3,4");

        Assert.Equal(2, rows.Values.Count);
        Assert.Equal(["3", "4"], rows.Values[1]);
    }

    [Fact]
    public void Numbers_rows_after_the_header_and_lines_from_the_top()
    {
        using var reader = Open("a,b\n1,\"two\nlines\"\n3,4\n");

        Assert.True(reader.Read());
        Assert.Equal((1L, 2), (reader.RowNumber, reader.LineNumber));
        Assert.True(reader.Read());
        Assert.Equal((2L, 4), (reader.RowNumber, reader.LineNumber));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Refuses_a_row_with_more_fields_than_the_header_naming_row_and_line()
    {
        using var reader = Open("a,b\n1,2\n3,4,5\n");
        Assert.True(reader.Read());

        var error = Assert.Throws<IngestionDataException>(() => reader.Read());

        Assert.Equal("Row 2 (line 3) has 3 fields, but the header has 2. Quote fields that contain the delimiter.", error.Message);
    }

    [Fact]
    public void Refuses_a_row_with_fewer_fields_than_the_header()
    {
        using var reader = Open("a,b,c\n1,2\n");

        var error = Assert.Throws<IngestionDataException>(() => reader.Read());

        Assert.StartsWith("Row 1 (line 2) has 2 fields, but the header has 3.", error.Message);
    }

    [Fact]
    public void Refuses_an_unterminated_quote_naming_the_row()
    {
        using var reader = Open("a,b\n1,2\n3,\"never closed\n4,5\n");
        Assert.True(reader.Read());

        var error = Assert.Throws<IngestionDataException>(() => reader.Read());

        Assert.Equal("Row 2 (line 3) has a quoted field that is never closed.", error.Message);
    }

    [Fact]
    public void Refuses_a_binary_file()
    {
        var bytes = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x41, 0x0A, 0x42 };

        var error = Assert.Throws<IngestionDataException>(() => Open(bytes));

        Assert.Contains("looks binary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_bytes_that_are_not_utf8()
    {
        var bytes = Encoding.Latin1.GetBytes("name\nZo\u00eb\n");

        var error = Assert.Throws<IngestionDataException>(() => ReadAll(bytes));

        Assert.StartsWith("The file is not UTF-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_columns_of_a_file_without_header_and_reads_its_first_row_as_data()
    {
        using var reader = CsvRecordReader.Open(new MemoryStream("1;x\n2;y\n"u8.ToArray()), ';', hasHeader: false);

        Assert.Equal(["column_1", "column_2"], reader.Header);
        Assert.True(reader.Read());
        Assert.Equal((1L, "1", "x"), (reader.RowNumber, reader[0].ToString(), reader[1].ToString()));
        Assert.True(reader.Read());
        Assert.Equal((2L, "y"), (reader.RowNumber, reader[1].ToString()));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Reads_utf16_with_a_byte_order_mark_and_windows_1252_when_told()
    {
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("név\nZoë\n")).ToArray();
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cp1252 = Encoding.GetEncoding(1252);

        var fromUtf16 = ReadAll(utf16);
        using var reader = CsvRecordReader.Open(new MemoryStream(cp1252.GetBytes("név\nZoë €\n")), ',', cp1252);

        Assert.Equal(["név"], fromUtf16.Header);
        Assert.Equal(["Zoë"], fromUtf16.Values[0]);
        Assert.True(reader.Read());
        Assert.Equal("Zoë €", reader[0].ToString());
    }

    [Fact]
    public void Stops_a_runaway_row_at_the_limit_instead_of_holding_the_rest_of_the_file()
    {
        var text = "a,b\n1,2\n3,\"opened and never closed\n" + string.Concat(Enumerable.Repeat("4,5\n", 1000));
        var limits = new CsvLimits(MaxRowChars: 1000);

        var error = Assert.Throws<IngestionDataException>(() =>
        {
            using var reader = CsvRecordReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), limits: limits);
            while (reader.Read())
            {
            }
        });

        Assert.Equal("The row starting at line 3 is longer than the limit of 1,000 characters; a quote opened in it is never closed.", error.Message);
    }

    [Fact]
    public void Refuses_more_columns_than_the_limit()
    {
        var header = string.Join(",", Enumerable.Range(1, 11).Select(i => $"c{i}"));

        var error = Assert.Throws<IngestionDataException>(() =>
            CsvRecordReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(header + "\n")), limits: new CsvLimits(MaxColumns: 10)));

        Assert.StartsWith("The header has 11 columns, more than the limit of 10.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_empty_file()
    {
        var error = Assert.Throws<IngestionDataException>(() => Open(""));

        Assert.StartsWith("The file has no header row", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_header_without_rows()
    {
        var rows = ReadAll("a,b\n");

        Assert.Equal(["a", "b"], rows.Header);
        Assert.Empty(rows.Values);
    }

    private static CsvRecordReader Open(string text) => Open(Encoding.UTF8.GetBytes(text));

    private static CsvRecordReader Open(byte[] bytes) => CsvRecordReader.Open(new MemoryStream(bytes));

    private static (IReadOnlyList<string> Header, List<string[]> Values) ReadAll(string text) => ReadAll(Encoding.UTF8.GetBytes(text));

    private static (IReadOnlyList<string> Header, List<string[]> Values) ReadAll(byte[] bytes)
    {
        using var reader = Open(bytes);
        var values = new List<string[]>();
        while (reader.Read())
        {
            var row = new string[reader.Header.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader[i].ToString();
            }

            values.Add(row);
        }

        return ([.. reader.Header], values);
    }
}
