using System.Buffers;
using System.Text.Json;
using Diviora.Core.Secrets;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// Where one page's records go as <see cref="PageReader"/> hands them over: written as lines, secrets masked, into the
/// page's spool; and the highest incremental cursor among them. A retried request starts the page over.
/// </summary>
internal sealed class PageSink(
    Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, byte[][] secrets, PageSpool spool, string? cursorField, CursorValue? bestBefore,
    long recordsBefore, long maxRecords, int page, string shownUrl)
{
    private long _count;

    /// <summary>The highest cursor value seen up to and including this page.</summary>
    public CursorValue? Best { get; private set; }

    /// <summary>Reads a response body into the page; throws when the records path is not in it.</summary>
    public Func<Stream, CancellationToken, Task<PageReader>> ReadAsync(RecordsPath records, string recordsText, RecordsPath? next) => async (body, cancellationToken) =>
    {
        spool.Reset();
        buffer.ResetWrittenCount();
        Best = bestBefore;
        _count = 0;
        var reader = new PageReader(records, recordsText, next, $"Page {page} ({shownUrl})");
        await reader.ReadAsync(body, Write, DrainAsync, cancellationToken).ConfigureAwait(false);
        if (!reader.RecordsFound)
        {
            throw new RestFetchException($"Page {page} ({shownUrl}) has nothing at recordsPath {recordsText}: check rest.recordsPath against a response.");
        }

        return reader;
    };

    private void Write(JsonElement record)
    {
        if (recordsBefore + ++_count > maxRecords)
        {
            throw new RestFetchException($"Stopped at page {page} ({shownUrl}): the fetch passed {maxRecords:N0} records, the most one run takes ({RestFetchOptions.MaxRecordsKey}).");
        }

        record.WriteTo(writer);
        writer.Flush();
        writer.Reset();
        buffer.Write("\n"u8);
        if (cursorField is not null && FindField(record, cursorField) is { } field && CursorValue.FromJson(field) is { } cursor
            && (Best is not { } current || CursorValue.Compare(cursor, current) > 0))
        {
            Best = cursor;
        }
    }

    // A server that echoes the credentials back must not put them into the records. Whole records only reach this point,
    // so a secret is never cut between two pieces.
    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        await spool.WriteAsync(SecretText.Hide(buffer.WrittenMemory, secrets), cancellationToken).ConfigureAwait(false);
        buffer.ResetWrittenCount();
    }

    /// <summary>The record's member <paramref name="name"/>; a dotted name not found as it is steps into nested objects.</summary>
    private static JsonElement? FindField(JsonElement record, string name)
    {
        if (record.TryGetProperty(name, out var value))
        {
            return value;
        }

        var current = record;
        foreach (var step in name.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out current))
            {
                return null;
            }
        }

        return current;
    }

}
