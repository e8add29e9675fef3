using System.Text;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Storage;
using Microsoft.Extensions.Options;

namespace Diviora.Tests.Engine;

/// <summary>
/// A JSON payload's keys are found once per run: the stage pass reads the records with the keys the infer pass found,
/// so it opens the payload once, not twice, and a payload that changed in between fails with a message that says so.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JsonPassesTests
{
    private sealed class CountingStore(Dictionary<string, string> payloads) : IPayloadStore
    {
        public int Opens { get; private set; }

        public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
        {
            Opens++;
            return Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(payloads[name])));
        }

        public Task<long?> SizeOfAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(payloads.TryGetValue(name, out var payload) ? Encoding.UTF8.GetByteCount(payload) : (long?)null);
    }

    private const string Lines = "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"extra\":{\"x\":true}}\n";

    [Fact]
    public async Task A_later_pass_reads_the_records_with_the_keys_found_before_in_one_read()
    {
        var store = new CountingStore(new() { ["p"] = Lines });
        var readers = new RecordReaders(store, Options.Create(new IngestionLimits()));

        var (first, _) = await readers.OpenAsync("p", "p.jsonl", new FormatOptions(), earlier: null, CancellationToken.None);
        var firstRows = ReadAll(first);
        Assert.Equal(2, store.Opens);

        var (second, _) = await readers.OpenAsync("p", "p.jsonl", new FormatOptions(), new EarlierPass([.. first.Header]), CancellationToken.None);
        var secondRows = ReadAll(second);
        Assert.Equal(3, store.Opens);
        Assert.Equal(["id", "name", "extra.x"], second.Header);
        Assert.Equal(firstRows, secondRows);
        Assert.Equal(["2", "", "true"], secondRows[1]);
    }

    [Fact]
    public async Task A_key_the_earlier_pass_did_not_find_fails_the_read_naming_the_record()
    {
        var store = new CountingStore(new() { ["p"] = Lines });
        var readers = new RecordReaders(store, Options.Create(new IngestionLimits()));

        var (reader, _) = await readers.OpenAsync("p", "p.jsonl", new FormatOptions(), new EarlierPass(["id", "name"]), CancellationToken.None);
        using (reader)
        {
            Assert.True(reader.Read());
            var error = Assert.Throws<IngestionDataException>(() => reader.Read());
            Assert.Contains("'extra.x', which the first read of the payload did not have", error.Message, StringComparison.Ordinal);
            Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        }
    }

    private static List<string[]> ReadAll(IRecordReader reader)
    {
        using (reader)
        {
            var rows = new List<string[]>();
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, reader.Header.Count).Select(i => reader.IsNull(i) ? "" : reader[i].ToString())]);
            }

            return rows;
        }
    }
}
