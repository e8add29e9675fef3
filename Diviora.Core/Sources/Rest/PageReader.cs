using System.Buffers;
using System.Text.Json;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// Reads one page's JSON body as it arrives: each record at the records path is handed over as soon as it is complete,
/// and the value at the pagination path is kept. Only one record (and the part of the body not yet read) is held at a
/// time, so a page of a million records needs the memory of one.
/// </summary>
internal sealed class PageReader
{
    private const int StartBytes = 64 * 1024;

    private readonly RecordsPath _records;
    private readonly string _recordsText;
    private readonly RecordsPath? _next;
    private readonly string _where;
    private readonly List<Frame> _frames = [];
    private string? _name;

    /// <param name="records">Where the records are.</param>
    /// <param name="recordsText">The records path as written, for messages.</param>
    /// <param name="next">Where the next link or cursor is; null without one.</param>
    /// <param name="where">The page for messages: <c>Page 2 (https://...)</c>.</param>
    public PageReader(RecordsPath records, string recordsText, RecordsPath? next, string where)
    {
        _records = records;
        _recordsText = recordsText;
        _next = next;
        _where = where;
    }

    /// <summary>True once the records path was found in the body (null there counts, as no records).</summary>
    public bool RecordsFound { get; private set; }

    /// <summary>How many records were handed over.</summary>
    public int Count { get; private set; }

    /// <summary>The value at the pagination path, detached from the body; null when the body has none there.</summary>
    public JsonElement? Next { get; private set; }

    /// <summary>
    /// Reads <paramref name="body"/> to its end, calling <paramref name="record"/> for each record (a JSON object) and
    /// <paramref name="drain"/> after each piece of the body, so the caller can write out what the records made.
    /// </summary>
    /// <exception cref="RestFetchException">The body holds a record that is not an object, or the records path holds neither an array nor an object.</exception>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public async Task ReadAsync(Stream body, Action<JsonElement> record, Func<CancellationToken, ValueTask> drain, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(StartBytes);
        try
        {
            var filled = 0;
            var final = false;
            var state = new JsonReaderState();
            while (true)
            {
                if (!final)
                {
                    var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                    final = read == 0;
                    filled += read;
                }

                var consumed = Process(buffer.AsSpan(0, filled), final, ref state, record, out var done);
                await drain(cancellationToken).ConfigureAwait(false);
                if (done)
                {
                    return;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (filled == buffer.Length)
                {
                    // One record (or token) longer than the buffer: double it. The response's byte limit bounds this.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the tokens in <paramref name="data"/>; how many bytes were used. A record cut off at the end is left for the next piece.</summary>
    private int Process(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, Action<JsonElement> record, out bool done)
    {
        var reader = new Utf8JsonReader(data, final, state);
        done = false;
        while (true)
        {
            var before = reader.CurrentState;
            var beforeConsumed = (int)reader.BytesConsumed;
            if (!reader.Read())
            {
                done = final;
                state = reader.CurrentState;
                return (int)reader.BytesConsumed;
            }

            var token = reader.TokenType;
            if (token == JsonTokenType.PropertyName)
            {
                _name = reader.GetString();
                continue;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                _frames.RemoveAt(_frames.Count - 1);
                continue;
            }

            // A value: where it stands against the two paths. A value cut off at the end of the piece is read again with
            // the next piece, from the same position.
            var savedName = _name;
            var savedParent = _frames.Count > 0 ? _frames[^1] : default;
            var (recordsDepth, nextDepth, inRecordsArray, index) = Position();
            if (inRecordsArray)
            {
                if (token != JsonTokenType.StartObject)
                {
                    throw new RestFetchException($"{_where}: the record at index {index} of {_recordsText} is {Ingestion.Readers.JsonRecordReader.Describe(token)}, not an object. Every record must be a JSON object.");
                }

                if (!TryRecord(ref reader, record))
                {
                    return Rewind(ref state, before, beforeConsumed, savedName, savedParent);
                }

                continue;
            }

            if (recordsDepth == _records.Members.Count)
            {
                RecordsFound = true;
                switch (token)
                {
                    case JsonTokenType.Null:
                        continue;
                    case JsonTokenType.StartArray:
                        _frames.Add(new Frame(true, -1, -1, RecordsArray: true));
                        continue;
                    case JsonTokenType.StartObject when !_records.EachElement:
                        if (!TryRecord(ref reader, record, nextDepth))
                        {
                            RecordsFound = false;
                            return Rewind(ref state, before, beforeConsumed, savedName, savedParent);
                        }

                        continue;
                    default:
                        throw new RestFetchException($"{_where} has {Ingestion.Readers.JsonRecordReader.Describe(token)} at recordsPath {_recordsText}, where an array of records{(_records.EachElement ? string.Empty : " or one record object")} was expected.");
                }
            }

            if (_next is not null && nextDepth == _next.Members.Count && token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                using var value = JsonDocument.ParseValue(ref reader);
                Next = value.RootElement.Clone();
                continue;
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (_next is not null && nextDepth == _next.Members.Count)
                {
                    // An object or array where a link or cursor belongs: kept for the caller's message, not walked into.
                    var probe = reader;
                    if (!probe.TrySkip())
                    {
                        return Rewind(ref state, before, beforeConsumed, savedName, savedParent);
                    }

                    using var value = JsonDocument.ParseValue(ref reader);
                    Next = value.RootElement.Clone();
                    continue;
                }

                _frames.Add(new Frame(token == JsonTokenType.StartArray, token == JsonTokenType.StartObject ? recordsDepth : -1, token == JsonTokenType.StartObject ? nextDepth : -1, RecordsArray: false));
            }
        }
    }

    private int Rewind(ref JsonReaderState state, JsonReaderState before, int beforeConsumed, string? savedName, Frame savedParent)
    {
        state = before;
        _name = savedName;
        if (_frames.Count > 0)
        {
            _frames[^1] = savedParent;
        }

        return beforeConsumed;
    }

    /// <summary>Hands over the object at the reader when it is whole in the buffer; false when it is cut off.</summary>
    private bool TryRecord(ref Utf8JsonReader reader, Action<JsonElement> record, int nextDepth = -1)
    {
        var probe = reader;
        if (!probe.TrySkip())
        {
            return false;
        }

        using var document = JsonDocument.ParseValue(ref reader);
        Count++;
        record(document.RootElement);
        if (_next is not null && nextDepth >= 0 && nextDepth < _next.Members.Count && Walk(document.RootElement, nextDepth) is { } inside)
        {
            // The records are the whole body ($) and the link or cursor is one of its members.
            Next = inside.Clone();
        }

        return true;
    }

    private JsonElement? Walk(JsonElement value, int from)
    {
        for (var i = from; i < _next!.Members.Count; i++)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(_next.Members[i], out value))
            {
                return null;
            }
        }

        return value;
    }

    /// <summary>
    /// How many members of each path lead to the value about to be read (-1 when it is off the path), whether it is an
    /// element of the records array, and its index there.
    /// </summary>
    private (int Records, int Next, bool InRecordsArray, int Index) Position()
    {
        if (_frames.Count == 0)
        {
            return (0, 0, false, 0);
        }

        var parent = _frames[^1];
        if (parent.IsArray)
        {
            var index = parent.Index + 1;
            _frames[^1] = parent with { Index = index };
            return (-1, -1, parent.RecordsArray, index);
        }

        var name = _name;
        _name = null;
        var records = parent.Records >= 0 && parent.Records < _records.Members.Count && string.Equals(_records.Members[parent.Records], name, StringComparison.Ordinal) ? parent.Records + 1 : -1;
        var next = _next is not null && parent.Next >= 0 && parent.Next < _next.Members.Count && string.Equals(_next.Members[parent.Next], name, StringComparison.Ordinal) ? parent.Next + 1 : -1;
        return (records, next, false, 0);
    }

    /// <summary>An open object or array: how many members of each path lead to it (-1 when off the path), and for an array the index of its last element.</summary>
    private record struct Frame(bool IsArray, int Records, int Next, bool RecordsArray, int Index = -1);
}
