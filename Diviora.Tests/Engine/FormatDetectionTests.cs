using System.Text;
using Diviora.Core.Ingestion.Readers;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class FormatDetectionTests
{
    [Theory]
    [InlineData("a,b,c\n1,2,3\n", ',')]
    [InlineData("a;b;c\n1,5;2,5;3\n", ';')]
    [InlineData("a\tb\tc\n1\t2\t3\n", '\t')]
    [InlineData("a|b|c\n1|2|3\n", '|')]
    [InlineData("name;note\n\"x\";\"a, b, c, d\"\n\"y\";\"e, f\"\n", ';')]
    [InlineData("single\n1\n2\n", ',')]
    public void Sniffs_the_delimiter_that_splits_records_consistently(string text, char expected)
    {
        var format = Detect(Encoding.UTF8.GetBytes(text), "data.csv");

        Assert.Equal(PayloadKind.Delimited, format.Kind);
        Assert.Equal(expected, format.Delimiter);
    }

    [Fact]
    public void Reads_a_tsv_name_as_tab_delimited()
    {
        Assert.Equal('\t', Detect(Encoding.UTF8.GetBytes("a,b\tc\n"), "export.tsv").Delimiter);
    }

    [Fact]
    public void Takes_utf8_as_it_is_and_windows_1252_when_the_bytes_are_not_utf8()
    {
        Assert.Null(Detect(Encoding.UTF8.GetBytes("name\nZoë\n"), "a.csv").Encoding);
        Assert.Equal(1252, Detect([.. "name\nZo"u8, 0xEB, (byte)'\n'], "a.csv").Encoding?.CodePage);
    }

    [Fact]
    public void Recognises_utf16_without_a_byte_order_mark()
    {
        var format = Detect(Encoding.BigEndianUnicode.GetBytes("a;b\n1;2\n"), "a.csv");

        Assert.Equal("utf-16BE", format.Encoding?.WebName, ignoreCase: true);
        Assert.Equal(';', format.Delimiter);
    }

    [Theory]
    [InlineData("x.xlsx", "", PayloadKind.Excel)]
    [InlineData("x.json", "", PayloadKind.Json)]
    [InlineData("x.ndjson", "", PayloadKind.JsonLines)]
    [InlineData("x.csv.gz", "", PayloadKind.Delimited)]
    [InlineData(null, "  [{\"a\":1}]", PayloadKind.Json)]
    [InlineData(null, "{\"a\":1}\n{\"a\":2}", PayloadKind.JsonLines)]
    [InlineData(null, "PK\u0003\u0004....", PayloadKind.Excel)]
    [InlineData("upload.bin", "a,b\n", PayloadKind.Delimited)]
    public void Tells_the_format_from_the_name_then_the_content(string? fileName, string content, PayloadKind expected)
    {
        Assert.Equal(expected, Detect(Encoding.UTF8.GetBytes(content), fileName).Kind);
    }

    [Fact]
    public void Every_detection_yields_to_what_the_user_said()
    {
        var options = new FormatOptions { Format = "csv", Delimiter = "|", Encoding = "windows-1252", Header = false };

        var format = FormatDetection.Detect(Encoding.UTF8.GetBytes("[a,b;c\n"), true, "data.json", options, compressed: false);

        Assert.Equal((PayloadKind.Delimited, '|', 1252, false), (format.Kind, format.Delimiter, format.Encoding?.CodePage, format.HasHeader));
        Assert.Equal("csv ('|', windows-1252, no header)", format.ToString());
    }

    [Theory]
    [InlineData("format", "xml", "format 'xml' is not one of csv, tsv, xlsx, json, jsonl.")]
    [InlineData("delimiter", "ab", "delimiter 'ab' must be one character")]
    [InlineData("delimiter", "\"", "delimiter '\"' must be one character")]
    [InlineData("encoding", "ebcdic", "encoding 'ebcdic' is not one of utf-8, utf-16le, utf-16be, windows-1252.")]
    public void Names_the_option_that_is_wrong(string option, string value, string expected)
    {
        var options = option switch
        {
            "format" => new FormatOptions { Format = value },
            "delimiter" => new FormatOptions { Delimiter = value },
            _ => new FormatOptions { Encoding = value },
        };

        Assert.StartsWith(expected, options.Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void Round_trips_the_options_stored_on_a_run()
    {
        var options = new FormatOptions { Delimiter = "tab", Header = false };

        var json = RunOptions.Serialize(options);

        Assert.Equal("""{"delimiter":"tab","header":false}""", json);
        Assert.Equal(options, RunOptions.Parse(json));
        Assert.Null(RunOptions.Serialize(new FormatOptions()));
    }

    private static DetectedFormat Detect(byte[] sample, string? fileName) =>
        FormatDetection.Detect(sample, sampleIsWhole: true, fileName, new FormatOptions(), compressed: false);
}
