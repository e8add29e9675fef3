using System.Text;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using Xunit.Abstractions;

namespace Diviora.Tests.Engine;

[Trait("Category", "Unit")]
public sealed class JsonRecordReaderTests(ITestOutputHelper output)
{
    private static readonly JsonRecordFormat Array = JsonRecordFormat.Array;
    private static readonly JsonRecordFormat Lines = JsonRecordFormat.Lines;

    // ---- reading ----

    [Fact]
    public void Array_reads_records_under_the_header()
    {
        using var reader = Open("""[{"id":1,"name":"Ada"},{"id":2,"name":"Grace"}]""", Array);

        Assert.Equal(["id", "name"], reader.Header);
        Assert.True(reader.Read());
        Assert.Equal(1, reader.RowNumber);
        Assert.Equal("record 1", reader.Location);
        Assert.Equal("1", reader[0].ToString());
        Assert.Equal("Ada", reader[1].ToString());
        Assert.True(reader.Read());
        Assert.Equal("record 2", reader.Location);
        Assert.Equal("Grace", reader[1].ToString());
        Assert.False(reader.Read());
        Assert.False(reader.Read());
    }

    [Fact]
    public void Lines_reads_one_record_per_line_skipping_blank_lines_and_tracking_lines()
    {
        using var reader = Open("\n{\"a\":1}\r\n   \r\n\t\n{\"a\":2}\n\n{\"a\":3}", Lines);

        Assert.Equal(["a"], reader.Header);
        Assert.True(reader.Read());
        Assert.Equal((1L, "line 2", "1"), (reader.RowNumber, reader.Location, reader[0].ToString()));
        Assert.True(reader.Read());
        Assert.Equal((2L, "line 5", "2"), (reader.RowNumber, reader.Location, reader[0].ToString()));
        Assert.True(reader.Read());
        Assert.Equal((3L, "line 7", "3"), (reader.RowNumber, reader.Location, reader[0].ToString()));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Empty_array_and_empty_lines_payload_have_no_records_and_no_columns()
    {
        using var array = Open(" [ ] \n", Array);
        Assert.Empty(array.Header);
        Assert.False(array.Read());

        using var lines = Open("\n \n", Lines);
        Assert.Empty(lines.Header);
        Assert.False(lines.Read());
    }

    [Theory]
    [InlineData(JsonRecordFormat.Array, """[{"a":{"b":{"c":1}},"d":{},"e":{"f":{}},"g":2}]""")]
    [InlineData(JsonRecordFormat.Lines, """{"a":{"b":{"c":1}},"d":{},"e":{"f":{}},"g":2}""")]
    public void Nested_objects_flatten_to_dotted_names_and_empty_objects_read_as_braces(JsonRecordFormat format, string json)
    {
        var (header, rows) = ReadAll(json, format);

        Assert.Equal(["a.b.c", "d", "e.f", "g"], header);
        Assert.Equal<string?[]>(["1", "{}", "{}", "2"], rows.Single());
    }

    [Fact]
    public void Arrays_are_kept_as_minified_json_text_with_strings_as_written()
    {
        const string json = """
            [ { "a" : [ 1 , 2 ] ,
                "b" : [ ] ,
                "c" : [ { "x" : "y z" , "n" : null } , [ true , false ] , { } , "\u00e9\"" , 1.50 ],
                "d" : { "e" : [ [ ] ] } } ]
            """;

        var (header, rows) = ReadAll(json, Array);

        Assert.Equal(["a", "b", "c", "d.e"], header);
        Assert.Equal<string?[]>(
            ["[1,2]", "[]", """[{"x":"y z","n":null},[true,false],{},"\u00e9\"",1.50]""", "[[]]"],
            rows.Single());
    }

    [Fact]
    public void Numbers_are_kept_exactly_as_written_and_booleans_as_true_false()
    {
        var (_, rows) = ReadAll(
            """{"a":12.50,"b":1e5,"c":-0,"d":1E+2,"e":123456789012345678901234567890.000,"f":true,"g":false}""", Lines);

        Assert.Equal<string?[]>(["12.50", "1e5", "-0", "1E+2", "123456789012345678901234567890.000", "true", "false"], rows.Single());
    }

    [Fact]
    public void Strings_are_unescaped_and_decoded()
    {
        var (_, rows) = ReadAll("""[{"a":"caf\u00e9 \"q\" \\ \n\t","b":"日本語 😀","c":"\ud83d\ude00"}]""", Array);

        Assert.Equal<string?[]>(["café \"q\" \\ \n\t", "日本語 😀", "😀"], rows.Single());
    }

    [Fact]
    public void Null_and_missing_are_null_while_an_empty_string_is_empty_text()
    {
        using var reader = Open("""[{"a":null,"b":"","c":"x"},{"c":"y"}]""", Array);

        Assert.True(reader.Read());
        Assert.True(reader.IsNull(0));
        Assert.True(reader[0].IsEmpty);
        Assert.False(reader.IsNull(1));
        Assert.True(reader[1].IsEmpty);
        Assert.False(reader.IsNull(2));

        Assert.True(reader.Read());
        Assert.True(reader.IsNull(0));
        Assert.True(reader.IsNull(1));
        Assert.Equal("y", reader[2].ToString());
    }

    [Fact]
    public void Header_is_the_union_of_all_keys_in_first_seen_order_known_before_the_first_read()
    {
        using var reader = Open(
            """
            {"b":1}
            {"a":1,"b":2}
            {"c":{"d":1},"a":3}
            {"e":[1]}
            """,
            Lines);

        Assert.Equal(["b", "a", "c.d", "e"], reader.Header);
        Assert.True(reader.Read());
        Assert.Equal("1", reader[0].ToString());
        Assert.True(reader.IsNull(1) && reader.IsNull(2) && reader.IsNull(3));
    }

    [Fact]
    public void Keys_that_collide_after_flattening_keep_the_first_and_number_the_rest()
    {
        var (header, rows) = ReadAll(
            """
            [{"a.b":1,"a":{"b":2}},
             {"a":{"b":3},"a.b":4,"a.b":5},
             {"k":1,"k":2}]
            """,
            Array);

        Assert.Equal(["a.b", "a.b_2", "a.b_3", "k", "k_2"], header);
        Assert.Equal<string?[]>(["1", "2", null, null, null], rows[0]);
        Assert.Equal<string?[]>(["3", "4", "5", null, null], rows[1]);
        Assert.Equal<string?[]>([null, null, null, "1", "2"], rows[2]);
    }

    [Theory]
    [InlineData(JsonRecordFormat.Array, "[{\"a\":1}]")]
    [InlineData(JsonRecordFormat.Lines, "{\"a\":1}\n")]
    public void A_utf8_byte_order_mark_is_skipped(JsonRecordFormat format, string json)
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)];

        var (header, rows) = ReadAll(bytes, format);

        Assert.Equal(["a"], header);
        Assert.Equal<string?[]>(["1"], rows.Single());
    }

    [Fact]
    public void Indexer_text_is_valid_until_the_next_read_and_column_bounds_are_checked()
    {
        using var reader = Open("""[{"a":"first","b":"x"},{"a":"second","b":"y"}]""", Array);

        Assert.True(reader.Read());
        var a = reader[0].ToString();
        var b = reader[1].ToString();
        Assert.Equal(("first", "x"), (a, b));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader[2].Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.IsNull(-1));
    }

    [Fact]
    public void Open_on_a_seekable_stream_reads_it_twice_and_leaves_it_open()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""{"a":1}""" + "\n" + """{"b":2}"""));
        using (var reader = JsonRecordReader.Open(stream, Lines))
        {
            Assert.Equal(["a", "b"], reader.Header);
            Assert.True(reader.Read());
            Assert.True(reader.Read());
            Assert.Equal("2", reader[1].ToString());
            Assert.False(reader.Read());
        }

        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Open_on_a_stream_that_cannot_seek_is_refused()
    {
        using var stream = new TrickleStream("[]"u8.ToArray(), chunk: 1);

        Assert.Throws<ArgumentException>(() => JsonRecordReader.Open(stream, Array));
    }

    [Fact]
    public void Open_disposes_the_streams_it_opens()
    {
        var opened = new List<TrickleStream>();
        using (var reader = JsonRecordReader.Open(() => Track(new TrickleStream("[{\"a\":1}]"u8.ToArray(), 3)), Array))
        {
            Assert.True(reader.Read());
        }

        Assert.Equal(2, opened.Count);
        Assert.All(opened, s => Assert.True(s.Disposed));

        TrickleStream Track(TrickleStream s)
        {
            opened.Add(s);
            return s;
        }
    }

    // ---- buffer boundaries ----

    public static TheoryData<JsonRecordFormat, int> FormatsAndBufferSizes()
    {
        var data = new TheoryData<JsonRecordFormat, int>();
        foreach (var format in new[] { JsonRecordFormat.Array, JsonRecordFormat.Lines })
        {
            foreach (var size in new[] { 1, 16, 17, 31, 64, 100 })
            {
                data.Add(format, size);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormatsAndBufferSizes))]
    public void Records_that_straddle_the_buffer_read_the_same_as_with_a_large_buffer(JsonRecordFormat format, int bufferSize)
    {
        var records = new[]
        {
            """{"id":1,"text":"short","n":{"x":1.25,"y":[1,2,{"z":"w"}]}}""",
            "{\"id\":2,\"text\":\"" + new string('x', 300) + "\",\"n\":{\"x\":-3e-7}}",
            """{"id":3,"text":"日本語テキスト😀 café \"quoted\" \\ end","empty":"","nul":null,"obj":{}}""",
            "{\"id\":4,\"long_key_" + new string('k', 80) + "\":12345678901234567890.123456789}",
        };
        var json = format == JsonRecordFormat.Array
            ? "\uFEFF[\n  " + string.Join(",\n  ", records) + "\n]\n"
            : "\uFEFF" + string.Join("\n\n", records) + "\n";
        var bytes = Encoding.UTF8.GetBytes(json);

        var expected = ReadAll(bytes, format);
        var small = ReadAll(bytes, format, bufferSize: bufferSize);
        var trickled = ReadAll(() => new TrickleStream(bytes, chunk: 5), format, null, bufferSize);

        Assert.Equal(expected.Header, small.Header);
        Assert.Equal(expected.Rows, small.Rows);
        Assert.Equal(expected.Header, trickled.Header);
        Assert.Equal(expected.Rows, trickled.Rows);
        Assert.Equal(new string('x', 300), expected.Rows[1][1]);
        Assert.Equal("日本語テキスト😀 café \"quoted\" \\ end", expected.Rows[2][1]);
    }

    // ---- errors ----

    [Fact]
    public void Malformed_json_lines_names_the_record_and_line()
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll("{\"a\":1}\n\n{\"a\":2}\n\n\n\n{\"a\":}\n", Lines));

        Assert.StartsWith("Record 3 (line 7): invalid JSON: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(at byte 6 of the line)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_array_names_the_record_and_byte_offset()
    {
        const string json = "[{\"a\":1},\n {\"a\":2},\n {\"a\":tru}]";

        var e = Assert.Throws<IngestionDataException>(() => ReadAll(json, Array));

        Assert.StartsWith($"Record 3 (byte offset {json.IndexOf("tru", StringComparison.Ordinal)}, line 3): invalid JSON: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[{\"a\":1},]")]
    [InlineData("[{\"a\":1}")]
    [InlineData("[{\"a\":1} {\"a\":2}]")]
    [InlineData("[{\"a\":1}] x")]
    [InlineData("[{\"a\":1}] []")]
    [InlineData("[{\"a\":1 // comment\n}]")]
    [InlineData("[{\"a\":'x'}]")]
    public void Malformed_or_trailing_json_in_an_array_is_refused(string json)
    {
        foreach (var bufferSize in new[] { 1, 1 << 16 })
        {
            var e = Assert.Throws<IngestionDataException>(() => ReadAll(Encoding.UTF8.GetBytes(json), Array, bufferSize: bufferSize));
            Assert.Contains("invalid JSON", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Text_after_the_array_is_refused()
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll("[{\"a\":1}]\n x", Array));

        Assert.StartsWith("After the array (byte offset 11, line 2): invalid JSON: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1},")]
    public void Malformed_or_doubled_json_on_a_line_is_refused(string line)
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll("{\"a\":0}\n" + line, Lines));

        Assert.StartsWith("Record 2 (line 2): invalid JSON: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":1}", "an object")]
    [InlineData("  42 ", "a number")]
    [InlineData("\"text\"", "a string")]
    [InlineData("null", "null")]
    public void A_top_level_value_that_is_not_an_array_is_refused(string json, string what)
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll(json, Array));

        Assert.Equal(
            $"The payload is {what} at the top level, not an array of objects. Send one array of records, or read the file as JSON Lines.",
            e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t ")]
    [InlineData("\uFEFF")]
    public void An_empty_array_payload_is_refused(string json)
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll(json, Array));

        Assert.Equal("The payload is empty: expected a JSON array of objects.", e.Message);
    }

    [Theory]
    [InlineData("[{\"a\":1}, 5]", "Record 2 is a number, not an object.")]
    [InlineData("[{\"a\":1}, [1]]", "Record 2 is an array, not an object.")]
    [InlineData("[\"x\"]", "Record 1 is a string, not an object.")]
    [InlineData("[{\"a\":1}, {\"a\":1}, null]", "Record 3 is null, not an object.")]
    [InlineData("[true]", "Record 1 is a boolean, not an object.")]
    public void An_array_element_that_is_not_an_object_is_refused(string json, string message)
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll(json, Array));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("5", "Record 2 (line 3) is a number, not an object.")]
    [InlineData("[{\"a\":1}]", "Record 2 (line 3) is an array, not an object.")]
    [InlineData("\"x\"", "Record 2 (line 3) is a string, not an object.")]
    public void A_line_that_is_not_an_object_is_refused(string line, string message)
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll("{\"a\":1}\n\n" + line + "\n", Lines));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(JsonRecordFormat.Array, """[{"a":{"b":{"c":1}}},{"a":{"b":{"c":{}}}}]""", "Record 2")]
    [InlineData(JsonRecordFormat.Array, """[{"a":[[1]]},{"a":[[[1]]]}]""", "Record 2")]
    [InlineData(JsonRecordFormat.Array, """[{"a":[{"b":{"c":1}}]}]""", "Record 1")]
    [InlineData(JsonRecordFormat.Lines, "{\"a\":{\"b\":{\"c\":1}}}\n{\"a\":{\"b\":{\"c\":[]}}}", "Record 2 (line 2)")]
    public void Nesting_deeper_than_the_limit_is_refused(JsonRecordFormat format, string json, string where)
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll(json, format, new JsonReaderLimits(MaxDepth: 3)));

        Assert.Equal($"{where} nests objects and arrays deeper than 3 levels.", e.Message);
    }

    [Fact]
    public void Nesting_far_past_the_default_limit_names_the_limit()
    {
        var json = "[{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}]";

        var e = Assert.Throws<IngestionDataException>(() => ReadAll(json, Array));

        Assert.Equal("Record 1 nests objects and arrays deeper than 64 levels.", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1 << 16)]
    public void A_record_larger_than_the_limit_is_refused(int bufferSize)
    {
        var limits = new JsonReaderLimits(MaxRecordBytes: 40);
        var fits = """{"a":"0123456789012345678901234567890"}"""; // 39 bytes
        var tooBig = """{"a":"012345678901234567890123456789012"}"""; // 41 bytes

        var (_, rows) = ReadAll(Encoding.UTF8.GetBytes($"[{fits}, {fits}]"), Array, limits, bufferSize);
        Assert.Equal(2, rows.Count);

        var array = Assert.Throws<IngestionDataException>(
            () => ReadAll(Encoding.UTF8.GetBytes($"[{fits}, {tooBig}]"), Array, limits, bufferSize));
        Assert.Equal("Record 2 is larger than 40 bytes, the most one record may take.", array.Message);

        var lines = Assert.Throws<IngestionDataException>(
            () => ReadAll(Encoding.UTF8.GetBytes($"{fits}\n\n{tooBig}\n{fits}"), Lines, limits, bufferSize));
        Assert.Equal("Record 2 (line 3) is larger than 40 bytes, the most one record may take.", lines.Message);
    }

    [Fact]
    public void A_huge_record_is_refused_without_buffering_all_of_it()
    {
        // A 64 MiB string that never ends: the reader must give up at the limit, not read the stream to its end.
        var stream = new EndlessStream("[{\"a\":\""u8.ToArray(), (byte)'x');
        var limits = new JsonReaderLimits(MaxRecordBytes: 1 << 20);

        var e = Assert.Throws<IngestionDataException>(() => JsonRecordReader.OpenCore(() => stream, Array, limits, 1024));

        Assert.Equal("Record 1 is larger than 1048576 bytes, the most one record may take.", e.Message);
        Assert.True(stream.Served < 4 << 20, $"read {stream.Served} bytes");
    }

    [Fact]
    public void More_columns_than_the_limit_are_refused()
    {
        var limits = new JsonReaderLimits(MaxColumns: 3);
        var (header, _) = ReadAll("[{\"a\":1,\"b\":{\"c\":2}},{\"d\":3,\"a\":4}]", Array, limits);
        Assert.Equal(["a", "b.c", "d"], header);

        var e = Assert.Throws<IngestionDataException>(() => ReadAll("{\"a\":1,\"b\":{\"c\":2}}\n{\"d\":3,\"e\":4}", Lines, limits));

        Assert.Equal(
            "Record 2 (line 2) brings the payload to more than 3 columns (distinct flattened keys). Flatten fewer levels, or split the payload.",
            e.Message);
    }

    [Theory]
    [InlineData(JsonRecordFormat.Array, "[{\"a\":1},{\"a\":\"bad \xFF\"}]", "Record 2")]
    [InlineData(JsonRecordFormat.Array, "[{\"a\":1},{\"bad \xC3\":1}]", "Record 2")]
    [InlineData(JsonRecordFormat.Array, "[{\"a\":[\"bad \xED\xA0\x80\"]}]", "Record 1")]
    [InlineData(JsonRecordFormat.Array, "[{\"a\":\"esc \\n bad \xFE\"}]", "Record 1")]
    [InlineData(JsonRecordFormat.Array, "[{\"a\":\"lone \\ud800 surrogate\"}]", "Record 1")]
    [InlineData(JsonRecordFormat.Lines, "{\"a\":1}\n\n{\"a\":\"bad \xFF\"}", "Record 2 (line 3)")]
    public void Text_that_is_not_utf8_is_refused(JsonRecordFormat format, string latin1, string where)
    {
        // Each char of the test string is one byte, so invalid UTF-8 can be written inline.
        var bytes = Encoding.Latin1.GetBytes(latin1);

        var e = Assert.Throws<IngestionDataException>(() => ReadAll(bytes, format));

        Assert.Equal($"{where} holds text that is not UTF-8 (or an escaped lone surrogate). Save the file as UTF-8 and upload it again.", e.Message);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_outside_strings_are_invalid_json()
    {
        var e = Assert.Throws<IngestionDataException>(() => ReadAll(Encoding.Latin1.GetBytes("[{\"a\":1}\xFF]"), Array));

        Assert.StartsWith("Record 2 (byte offset 8, line 1): invalid JSON: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_that_changes_between_its_two_reads_is_refused()
    {
        var opens = 0;
        using var reader = JsonRecordReader.Open(
            () => new MemoryStream(Encoding.UTF8.GetBytes(opens++ == 0 ? "{\"a\":1}" : "{\"b\":1}")), Lines);

        var e = Assert.Throws<IngestionDataException>(() => reader.Read());

        Assert.Equal(
            "Record 1 (line 1) has the key 'b', which the first read of the payload did not have: the payload changed between its two reads.",
            e.Message);
    }

    // ---- streaming ----

    [Theory]
    [InlineData(JsonRecordFormat.Array)]
    [InlineData(JsonRecordFormat.Lines)]
    public void A_large_payload_is_streamed_with_allocations_far_below_its_size(JsonRecordFormat format)
    {
        const int count = 200_000;
        var path = Path.Combine(Path.GetTempPath(), $"jsonreader-{Guid.NewGuid():N}.json");
        try
        {
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
            {
                if (format == JsonRecordFormat.Array)
                {
                    writer.Write('[');
                }

                for (var i = 0; i < count; i++)
                {
                    if (format == JsonRecordFormat.Array && i > 0)
                    {
                        writer.Write(",\n");
                    }

                    writer.Write($$"""{"id":{{i}},"name":"customer \u00e9 {{i}}","price":12.50,"active":true,"address":{"city":"Paris","zip":"75001"},"tags":["a","b"],"note":null}""");
                    if (format == JsonRecordFormat.Lines)
                    {
                        writer.Write('\n');
                    }
                }

                if (format == JsonRecordFormat.Array)
                {
                    writer.Write(']');
                }
            }

            var size = new FileInfo(path).Length;
            long rows = 0;
            long chars = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            using (var reader = JsonRecordReader.Open(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1), format))
            {
                while (reader.Read())
                {
                    rows++;
                    for (var c = 0; c < reader.Header.Count; c++)
                    {
                        chars += reader.IsNull(c) ? 0 : reader[c].Length;
                    }
                }

                Assert.Equal(["id", "name", "price", "active", "address.city", "address.zip", "tags", "note"], reader.Header);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"{format}: {size:N0} bytes, {rows:N0} records, {allocated:N0} bytes allocated");

            Assert.Equal(count, rows);
            Assert.True(chars > 0);
            Assert.True(allocated < size / 10, $"allocated {allocated:N0} bytes reading {size:N0}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- helpers ----

    private static JsonRecordReader Open(string json, JsonRecordFormat format) =>
        JsonRecordReader.OpenCore(() => new MemoryStream(Encoding.UTF8.GetBytes(json)), format, null, 1 << 16);

    private static (IReadOnlyList<string> Header, List<string?[]> Rows) ReadAll(
        string json, JsonRecordFormat format, JsonReaderLimits? limits = null) =>
        ReadAll(Encoding.UTF8.GetBytes(json), format, limits);

    private static (IReadOnlyList<string> Header, List<string?[]> Rows) ReadAll(
        byte[] bytes, JsonRecordFormat format, JsonReaderLimits? limits = null, int bufferSize = 1 << 16) =>
        ReadAll(() => new MemoryStream(bytes, writable: false), format, limits, bufferSize);

    private static (IReadOnlyList<string> Header, List<string?[]> Rows) ReadAll(
        Func<Stream> open, JsonRecordFormat format, JsonReaderLimits? limits, int bufferSize)
    {
        using var reader = JsonRecordReader.OpenCore(open, format, limits, bufferSize);
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            var row = new string?[reader.Header.Count];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = reader.IsNull(c) ? null : reader[c].ToString();
            }

            rows.Add(row);
        }

        return (reader.Header, rows);
    }

    /// <summary>A stream that cannot seek and hands out at most a few bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>A prefix followed by one byte forever.</summary>
    private sealed class EndlessStream(byte[] prefix, byte fill) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = Served + i < prefix.Length ? prefix[Served + i] : fill;
            }

            Served += buffer.Length;
            return buffer.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
