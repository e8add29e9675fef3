using System.Text;
using System.Text.Json;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Rest;

namespace Diviora.Tests.Sources;

/// <summary>One page's body read as it arrives, in pieces as small as one byte, as large records and as pretty-printed JSON.</summary>
[Trait("Category", "Unit")]
public sealed class PageReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Records_and_the_next_link_come_out_whatever_the_pieces_the_body_arrives_in(int piece)
    {
        const string Body = """
            {
              "meta": { "next": "not this one", "data": [ { "id": -1 } ] },
              "data": [
                { "id": 1, "name": "Zoë", "nested": { "data": [ 9 ] } },
                { "id": 2, "text": "a \"quoted\" ] } , value" }
              ],
              "links": { "next": "/page/2" }
            }
            """;

        var (reader, records) = await ReadAsync(Body, "$.data", "$.links.next", piece);

        Assert.Equal(["""{"id":1,"name":"Zoë","nested":{"data":[9]}}""", """{"id":2,"text":"a \"quoted\" ] } , value"}"""], records);
        Assert.Equal(2, reader.Count);
        Assert.Equal("/page/2", reader.Next?.GetString());
    }

    [Fact]
    public async Task A_record_larger_than_the_buffer_grows_it_and_comes_out_whole_on_one_line()
    {
        var big = new string('x', 300_000);
        var body = "[{\"id\":1},\n  {\"id\":2, \"blob\": \"" + big + "\"},{\"id\":3}]";

        var (reader, records) = await ReadAsync(body, "$", null, 8192);

        Assert.Equal(3, reader.Count);
        Assert.Equal($"{{\"id\":2,\"blob\":\"{big}\"}}", records[1]);
        Assert.True(reader.RecordsFound);
    }

    [Fact]
    public async Task The_whole_body_as_one_record_keeps_a_link_inside_it()
    {
        var (reader, records) = await ReadAsync("""{"id": 7, "next": {"cursor": "c-2"}}""", "$", "$.next.cursor", 3);

        Assert.Equal(["""{"id":7,"next":{"cursor":"c-2"}}"""], records);
        Assert.Equal("c-2", reader.Next?.GetString());
    }

    [Theory]
    [InlineData("""{"data": null}""", "$.data", true, 0)]
    [InlineData("""{"other": []}""", "$.data", false, 0)]
    [InlineData("""{"data": {"id": 1}}""", "$.data", true, 1)]
    public async Task Null_is_no_record_and_a_missing_path_is_told_apart(string body, string path, bool found, int count)
    {
        var (reader, _) = await ReadAsync(body, path, null, 2);

        Assert.Equal((found, count), (reader.RecordsFound, reader.Count));
    }

    [Theory]
    [InlineData("""{"data": [{"id": 1}, 5]}""", "$.data", "the record at index 1 of $.data is a number, not an object")]
    [InlineData("""{"data": {"id": 1}}""", "$.data[*]", "has an object at recordsPath $.data[*], where an array of records was expected")]
    [InlineData("""{"data": "text"}""", "$.data", "has a string at recordsPath $.data, where an array of records or one record object was expected")]
    public async Task A_body_of_the_wrong_shape_says_where(string body, string path, string expected)
    {
        var error = await Assert.ThrowsAsync<RestFetchException>(() => ReadAsync(body, path, null, 5));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Page 1 (https://api.example.com/x)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"data": [{"id": 1}""")]
    [InlineData("""{"data": [{"id": 1}]} trailing""")]
    [InlineData("")]
    public async Task A_body_that_is_not_json_fails(string body) =>
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, "$.data", null, 4));

    [Fact]
    public async Task A_large_page_is_handed_over_in_pieces_not_held_whole()
    {
        // 200,000 records (about 6 MB): the reader's own buffer never holds more than a piece and one record.
        var body = new StringBuilder("{\"data\":[");
        for (var i = 0; i < 200_000; i++)
        {
            body.Append(i > 0 ? "," : "").Append("{\"id\":").Append(i).Append(",\"v\":\"abcdefghij\"}");
        }

        body.Append("]}");
        var reader = new PageReader(RecordsPath.TryParse("$.data", true, out _)!, "$.data", null, "Page 1 (https://api.example.com/x)");
        var drains = 0;
        var count = 0;
        await reader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body.ToString())), _ => count++, _ => { drains++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(200_000, count);
        Assert.True(drains > 50, $"{drains} drains");
    }

    private static async Task<(PageReader Reader, List<string> Records)> ReadAsync(string body, string recordsPath, string? nextPath, int piece)
    {
        var reader = new PageReader(
            RecordsPath.TryParse(recordsPath, true, out _)!, recordsPath, nextPath is null ? null : RecordsPath.TryParse(nextPath, false, out _), "Page 1 (https://api.example.com/x)");
        var records = new List<string>();
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        await reader.ReadAsync(new Trickle(Encoding.UTF8.GetBytes(body), piece), r =>
        {
            using var text = new MemoryStream();
            using (var writer = new Utf8JsonWriter(text, options))
            {
                r.WriteTo(writer);
            }

            records.Add(Encoding.UTF8.GetString(text.ToArray()));
        }, _ => ValueTask.CompletedTask, CancellationToken.None);
        return (reader, records);
    }

    /// <summary>A body that arrives at most <c>piece</c> bytes per read, as a slow network delivers it.</summary>
    private sealed class Trickle(byte[] data, int piece) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, piece)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }
}
