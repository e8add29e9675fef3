using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>How the records of a JSON payload are laid out.</summary>
public enum JsonRecordFormat
{
    /// <summary>One top-level array whose elements are the record objects.</summary>
    Array,

    /// <summary>JSON Lines: one record object per line; blank lines are skipped.</summary>
    Lines,
}

/// <summary>Bounds that keep one hostile or broken JSON payload from exhausting memory.</summary>
/// <param name="MaxColumns">The most distinct flattened keys the payload may hold across all its records.</param>
/// <param name="MaxRecordBytes">The most bytes one record may take, from its <c>{</c> to its <c>}</c> (or one line).</param>
/// <param name="MaxDepth">The most levels of objects and arrays in one record, the record itself being level 1.</param>
public sealed record JsonReaderLimits(int MaxColumns = 1000, int MaxRecordBytes = 16 * 1024 * 1024, int MaxDepth = 64)
{
    /// <summary>The limits used when none are given.</summary>
    public static JsonReaderLimits Default { get; } = new();
}

/// <summary>
/// Streams the records of a JSON payload (one top-level array of objects, or JSON Lines) as text fields under a
/// header, holding at most one record in memory.
/// </summary>
/// <remarks>
/// <para>
/// The header is the union of the flattened keys of all records, in first-seen order. JSON names no columns up front,
/// so <see cref="Open(Func{Stream}, JsonRecordFormat, JsonReaderLimits?)"/> reads the payload twice: it opens a first
/// stream and scans it for keys (and for errors), then opens a second stream for the records. Both passes stream; no
/// document object model of the payload is ever built.
/// </para>
/// <para>
/// Nested objects become dotted names (<c>{"a":{"b":1}}</c> gives <c>a.b</c>); an empty object value gives the text
/// <c>{}</c>; arrays are kept as their minified JSON text (<c>[1,2]</c>), strings as their unescaped text, numbers
/// exactly as written (<c>12.50</c>, <c>1e5</c>) and booleans as <c>true</c>/<c>false</c>. JSON <c>null</c> and a
/// key that a record lacks are both null; an empty string is not.
/// </para>
/// <para>
/// When two keys of one record flatten to the same name (<c>{"a.b":1,"a":{"b":2}}</c>, or a key written twice), the
/// first keeps the name and the next ones take the first free name of <c>a.b_2</c>, <c>a.b_3</c>, and so on.
/// </para>
/// <para>
/// Malformed JSON, a top-level value that is not an array (for <see cref="JsonRecordFormat.Array"/>), a record that is
/// not an object, nesting deeper than <see cref="JsonReaderLimits.MaxDepth"/>, a record larger than
/// <see cref="JsonReaderLimits.MaxRecordBytes"/>, more than <see cref="JsonReaderLimits.MaxColumns"/> columns and
/// text that is not UTF-8 raise an <see cref="IngestionDataException"/> naming the record. A UTF-8 byte order mark at
/// the start is skipped.
/// </para>
/// </remarks>
public sealed class JsonRecordReader : IRecordReader
{
    private const int DefaultBufferSize = 1 << 16;
    private const string EmptyObject = "{}";

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> JsonWhitespace => " \t\r\n"u8;

    private readonly JsonRecordFormat _format;
    private readonly JsonReaderLimits _limits;
    private readonly JsonReaderOptions _options;

    private readonly List<string> _header = [];
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _columnLookup;

    // The input: a pooled window [_start, _end) over the stream, refilled and grown as records need.
    private Stream? _stream;
    private bool _ownsStream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;
    private JsonReaderState _state;
    private Phase _phase;
    private long _lineNumber;
    private long _recordLine;

    // Where the last call of StepArray left the reader safely resumable, and where its unfinished record began.
    private long _safeConsumed;
    private JsonReaderState _safeState;
    private long _recordStartInSpan;

    // False in the first pass, which only learns the keys; true in the second, which keeps the values.
    private bool _collect;
    private int _recordBaseDepth;

    // The current record: a field is present when its stamp is the record's; values live in one reused char buffer.
    private long _stamp = 1;
    private long[] _seen = new long[16];
    private int[] _valueStart = [];
    private int[] _valueLength = [];
    private bool[] _valueIsNull = [];
    private char[] _values = new char[256];
    private int _valuesLength;

    // The flattened name being built, with the length of each open object's own name on a stack.
    private char[] _path = new char[128];
    private int _pathLength;
    private int[] _prefix = new int[16];
    private char[] _scratch = new char[128];

    private JsonRecordReader(JsonRecordFormat format, JsonReaderLimits limits, int bufferSize)
    {
        _format = format;
        _limits = limits;
        // The reader's own depth check stays above ours, so the message that names the record is the one raised.
        _options = new JsonReaderOptions { MaxDepth = Math.Min(limits.MaxDepth, int.MaxValue - 8) + 4 };
        _columnLookup = _columns.GetAlternateLookup<ReadOnlySpan<char>>();
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    private enum Phase
    {
        Start,
        Records,
        Trailer,
        Done,
    }

    private enum Step
    {
        Record,
        End,
        NeedMore,
    }

    /// <summary>The union of the flattened keys of all records, in the order they are first seen.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The one-based number of the current record.</summary>
    public long RowNumber { get; private set; }

    /// <summary>Where the current record is: <c>record 12</c> in an array, <c>line 14</c> in JSON Lines.</summary>
    public string Location => _format == JsonRecordFormat.Array ? $"record {RowNumber}" : $"line {_recordLine}";

    /// <summary>
    /// The text of field <paramref name="column"/> of the current record (empty when it is null); valid until the
    /// next call of <see cref="Read"/>.
    /// </summary>
    public ReadOnlySpan<char> this[int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)column, (uint)_header.Count, nameof(column));
            return _seen[column] == _stamp && !_valueIsNull[column]
                ? _values.AsSpan(_valueStart[column], _valueLength[column])
                : [];
        }
    }

    /// <summary>True when field <paramref name="column"/> is JSON <c>null</c> or missing from the current record.</summary>
    public bool IsNull(int column)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)column, (uint)_header.Count, nameof(column));
        return _seen[column] != _stamp || _valueIsNull[column];
    }

    /// <summary>
    /// Reads the payload twice through <paramref name="openStream"/>: a first pass collects the header (the union of
    /// all records' flattened keys) and a second streams the records. Each stream it opens is disposed by the reader.
    /// </summary>
    /// <param name="openStream">Opens the payload from its start; called twice.</param>
    /// <param name="format">A top-level array of objects, or JSON Lines.</param>
    /// <param name="limits">Bounds on columns, record size and depth; <see cref="JsonReaderLimits.Default"/> when null.</param>
    /// <exception cref="IngestionDataException">The payload is not JSON records, or breaks a limit.</exception>
    public static JsonRecordReader Open(Func<Stream> openStream, JsonRecordFormat format, JsonReaderLimits? limits = null) =>
        OpenCore(openStream, format, limits, DefaultBufferSize);

    /// <summary>
    /// Reads the records of a payload whose keys an earlier reader of the same payload found (its
    /// <see cref="Header"/>): one pass instead of two. A key that is not among them fails the read, naming the record:
    /// the payload changed since.
    /// </summary>
    /// <param name="stream">The payload from its start; the reader owns it.</param>
    /// <param name="format">A top-level array of objects, or JSON Lines.</param>
    /// <param name="keys">The earlier reader's header, in its order.</param>
    /// <param name="limits">Bounds on columns, record size and depth; <see cref="JsonReaderLimits.Default"/> when null.</param>
    internal static JsonRecordReader OpenKnown(Stream stream, JsonRecordFormat format, IReadOnlyList<string> keys, JsonReaderLimits? limits = null)
    {
        var reader = new JsonRecordReader(format, limits ?? JsonReaderLimits.Default, DefaultBufferSize);
        try
        {
            foreach (var key in keys)
            {
                reader._columns.Add(key, reader._header.Count);
                reader._header.Add(key);
            }

            reader.Begin(stream, ownsStream: true, collect: true);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads <paramref name="stream"/> twice from its current position: a first pass collects the header and, after
    /// seeking back, a second streams the records. The stream must be seekable and is left open.
    /// </summary>
    /// <exception cref="ArgumentException">The stream cannot seek; use the overload that opens the payload again.</exception>
    /// <exception cref="IngestionDataException">The payload is not JSON records, or breaks a limit.</exception>
    public static JsonRecordReader Open(Stream stream, JsonRecordFormat format, JsonReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The header of a JSON payload needs a first pass, so the stream must be seekable.", nameof(stream));
        }

        var origin = stream.Position;
        var opened = 0;
        return OpenCore(
            () =>
            {
                if (opened++ > 0)
                {
                    stream.Position = origin;
                }

                return stream;
            },
            format,
            limits,
            DefaultBufferSize,
            ownsStreams: false);
    }

    /// <summary>Opens with a chosen initial buffer size, so tests can make records straddle refills.</summary>
    internal static JsonRecordReader OpenCore(
        Func<Stream> openStream, JsonRecordFormat format, JsonReaderLimits? limits, int bufferSize, bool ownsStreams = true)
    {
        ArgumentNullException.ThrowIfNull(openStream);
        if (format is not (JsonRecordFormat.Array or JsonRecordFormat.Lines))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown JSON record format.");
        }

        limits ??= JsonReaderLimits.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxColumns, 1, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxRecordBytes, 1, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxDepth, 1, nameof(limits));
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);

        var reader = new JsonRecordReader(format, limits, bufferSize);
        try
        {
            reader.Begin(openStream(), ownsStreams, collect: false);
            while (reader.Read())
            {
            }

            reader.Begin(openStream(), ownsStreams, collect: true);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next record.</summary>
    /// <returns>False at the end of the payload.</returns>
    /// <exception cref="IngestionDataException">The record is malformed or breaks a limit.</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        return _format == JsonRecordFormat.Array ? ReadArrayElement() : ReadLine();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CloseStream();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Begin(Stream stream, bool ownsStream, bool collect)
    {
        CloseStream();
        _stream = stream ?? throw new InvalidOperationException("The stream factory returned null.");
        _ownsStream = ownsStream;
        _collect = collect;
        _start = _end = 0;
        _bufferOffset = 0;
        _eof = false;
        _state = new JsonReaderState(_options);
        _phase = Phase.Start;
        _lineNumber = _recordLine = 0;
        RowNumber = 0;
        if (collect)
        {
            var count = _header.Count;
            _seen = new long[count];
            _valueStart = new int[count];
            _valueLength = new int[count];
            _valueIsNull = new bool[count];
            _stamp = 1;
        }

        while (_end < Utf8Bom.Length && !_eof)
        {
            Refill();
        }

        if (_buffer.AsSpan(0, _end).StartsWith(Utf8Bom))
        {
            _start = Utf8Bom.Length;
        }
    }

    private void CloseStream()
    {
        if (_ownsStream)
        {
            _stream?.Dispose();
        }

        _stream = null;
    }

    private bool ReadArrayElement()
    {
        while (_phase != Phase.Done)
        {
            var spanStart = _start;
            var pending = _buffer.AsSpan(spanStart, _end - spanStart);
            if (_phase == Phase.Start && _eof && pending.IndexOfAnyExcept(JsonWhitespace) < 0)
            {
                throw new IngestionDataException("The payload is empty: expected a JSON array of objects.");
            }

            var reader = new Utf8JsonReader(pending, _eof, _state);
            _safeConsumed = 0;
            _safeState = _state;
            _recordStartInSpan = -1;
            Step step;
            try
            {
                step = StepArray(ref reader);
            }
            catch (JsonException e)
            {
                var offset = _bufferOffset + spanStart + reader.BytesConsumed;
                var where = _phase == Phase.Trailer ? "After the array" : $"Record {RowNumber + 1}";
                throw new IngestionDataException(
                    $"{where} (byte offset {offset}, line {e.LineNumber + 1}): invalid JSON: {Describe(e)}", e);
            }

            _start = spanStart + (int)_safeConsumed;
            _state = _safeState;
            switch (step)
            {
                case Step.Record:
                    RowNumber++;
                    return true;
                case Step.End:
                    _phase = Phase.Done;
                    return false;
            }

            // The reader throws on a truncated final block, so more data can only be missing while some is unread.
            if (_recordStartInSpan >= 0 && _end - (spanStart + _recordStartInSpan) > _limits.MaxRecordBytes)
            {
                throw TooLarge();
            }

            Refill();
        }

        return false;
    }

    /// <summary>Reads up to the end of the next record; on running out of data, leaves the safe point before it.</summary>
    private Step StepArray(ref Utf8JsonReader reader)
    {
        if (_phase == Phase.Start)
        {
            if (!reader.Read())
            {
                Commit(ref reader);
                return Step.NeedMore;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new IngestionDataException(
                    $"The payload is {Describe(reader.TokenType)} at the top level, not an array of objects. " +
                    "Send one array of records, or read the file as JSON Lines.");
            }

            _phase = Phase.Records;
            Commit(ref reader);
        }

        if (_phase == Phase.Records)
        {
            if (!reader.Read())
            {
                Commit(ref reader);
                return Step.NeedMore;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    _phase = Phase.Trailer;
                    Commit(ref reader);
                    break;
                case JsonTokenType.StartObject:
                    _recordStartInSpan = reader.TokenStartIndex;
                    BeginRecord(reader.CurrentDepth);
                    if (!ReadObject(ref reader))
                    {
                        // Not committed: the record is read again from its start once more bytes are in.
                        return Step.NeedMore;
                    }

                    if (reader.BytesConsumed - _recordStartInSpan > _limits.MaxRecordBytes)
                    {
                        throw TooLarge();
                    }

                    Commit(ref reader);
                    return Step.Record;
                default:
                    throw new IngestionDataException($"{Where()} is {Describe(reader.TokenType)}, not an object.");
            }
        }

        // Only whitespace may follow the array; the reader itself rejects anything else.
        while (reader.Read())
        {
        }

        Commit(ref reader);
        return _eof ? Step.End : Step.NeedMore;
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        _safeConsumed = reader.BytesConsumed;
        _safeState = reader.CurrentState;
    }

    private bool ReadLine()
    {
        while (_phase != Phase.Done)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line;
            if (newline >= 0)
            {
                line = pending[..newline];
                _start += newline + 1;
            }
            else if (!_eof)
            {
                if (pending.Length > _limits.MaxRecordBytes)
                {
                    throw TooLarge(_lineNumber + 1);
                }

                Refill();
                continue;
            }
            else if (pending.IsEmpty)
            {
                _phase = Phase.Done;
                return false;
            }
            else
            {
                line = pending;
                _start = _end;
            }

            _lineNumber++;
            if (line.IndexOfAnyExcept(JsonWhitespace) < 0)
            {
                continue;
            }

            if (line.Length > _limits.MaxRecordBytes)
            {
                throw TooLarge();
            }

            // The line stays in the buffer untouched until the next refill, so it is parsed in place.
            ParseLine(line);
            RowNumber++;
            _recordLine = _lineNumber;
            return true;
        }

        return false;
    }

    private void ParseLine(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(_options));
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new IngestionDataException($"{Where()} is {Describe(reader.TokenType)}, not an object.");
            }

            BeginRecord(reader.CurrentDepth);
            if (!ReadObject(ref reader))
            {
                throw new IngestionDataException($"{Where()}: invalid JSON: the line ends inside the object.");
            }

            // One object per line: the reader rejects a second value or any other text after it.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw new IngestionDataException($"{Where()}: invalid JSON: {Describe(e)} (at byte {e.BytePositionInLine + 1} of the line)", e);
        }
    }

    /// <summary>Moves the unread bytes to the front, grows the buffer when they fill it, and fills the rest.</summary>
    private void Refill()
    {
        if (_start > 0)
        {
            var remaining = _end - _start;
            _buffer.AsSpan(_start, remaining).CopyTo(_buffer);
            _bufferOffset += _start;
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        // Filling the whole buffer keeps re-reads of a record that straddles a refill to a doubling series.
        while (_end < _buffer.Length)
        {
            var read = _stream!.Read(_buffer.AsSpan(_end));
            if (read == 0)
            {
                _eof = true;
                break;
            }

            _end += read;
        }
    }

    private void BeginRecord(int baseDepth)
    {
        _recordBaseDepth = baseDepth;
        _stamp++;
        _valuesLength = 0;
    }

    /// <summary>Flattens one record whose <c>{</c> has just been read.</summary>
    /// <returns>False when the data ran out before the record's <c>}</c>.</returns>
    private bool ReadObject(ref Utf8JsonReader reader)
    {
        var level = 1;
        var empty = true;
        _prefix[0] = 0;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                if (level == 1)
                {
                    return true;
                }

                if (empty)
                {
                    var start = _valuesLength;
                    Append(EmptyObject);
                    SetValue(_path.AsSpan(0, _prefix[level - 1]), start);
                }

                level--;
                empty = false;
                continue;
            }

            // Inside an object every other token is a property name, followed by its value.
            empty = false;
            _pathLength = _prefix[level - 1];
            if (level > 1)
            {
                AppendPath('.');
            }

            DecodeString(ref reader, ref _path, ref _pathLength);
            if (!reader.Read())
            {
                return false;
            }

            var path = _path.AsSpan(0, _pathLength);
            var valueStart = _valuesLength;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    CheckDepth(ref reader);
                    if (level == _prefix.Length)
                    {
                        Array.Resize(ref _prefix, level * 2);
                    }

                    _prefix[level++] = _pathLength;
                    empty = true;
                    break;
                case JsonTokenType.StartArray:
                    if (!CaptureArray(ref reader))
                    {
                        return false;
                    }

                    SetValue(path, valueStart);
                    break;
                case JsonTokenType.String:
                    if (_collect)
                    {
                        DecodeString(ref reader, ref _values, ref _valuesLength);
                    }
                    else
                    {
                        ValidateString(ref reader);
                    }

                    SetValue(path, valueStart);
                    break;
                case JsonTokenType.Null:
                    SetNull(path);
                    break;
                default:
                    // Numbers and booleans, kept exactly as written.
                    AppendRaw(reader.ValueSpan);
                    SetValue(path, valueStart);
                    break;
            }
        }
    }

    /// <summary>Writes an array whose <c>[</c> has just been read as minified JSON text, keeping strings as escaped.</summary>
    private bool CaptureArray(ref Utf8JsonReader reader)
    {
        CheckDepth(ref reader);
        var depth = reader.CurrentDepth;
        var afterOpen = true;
        Append('[');
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray or JsonTokenType.EndObject:
                    Append(reader.TokenType == JsonTokenType.EndArray ? ']' : '}');
                    afterOpen = false;
                    if (reader.CurrentDepth == depth)
                    {
                        return true;
                    }

                    break;
                case JsonTokenType.StartArray or JsonTokenType.StartObject:
                    CheckDepth(ref reader);
                    AppendSeparator(afterOpen);
                    Append(reader.TokenType == JsonTokenType.StartArray ? '[' : '{');
                    afterOpen = true;
                    break;
                case JsonTokenType.PropertyName:
                    AppendSeparator(afterOpen);
                    AppendQuoted(reader.ValueSpan);
                    Append(':');
                    afterOpen = true;
                    break;
                case JsonTokenType.String:
                    AppendSeparator(afterOpen);
                    AppendQuoted(reader.ValueSpan);
                    afterOpen = false;
                    break;
                default:
                    AppendSeparator(afterOpen);
                    AppendRaw(reader.ValueSpan);
                    afterOpen = false;
                    break;
            }
        }
    }

    private void CheckDepth(ref Utf8JsonReader reader)
    {
        if (reader.CurrentDepth - _recordBaseDepth + 1 > _limits.MaxDepth)
        {
            throw new IngestionDataException($"{Where()} nests objects and arrays deeper than {_limits.MaxDepth} levels.");
        }
    }

    private void SetValue(ReadOnlySpan<char> path, int start)
    {
        var column = Resolve(path);
        if (_collect)
        {
            _valueStart[column] = start;
            _valueLength[column] = _valuesLength - start;
            _valueIsNull[column] = false;
        }
    }

    private void SetNull(ReadOnlySpan<char> path)
    {
        var column = Resolve(path);
        if (_collect)
        {
            _valueIsNull[column] = true;
        }
    }

    /// <summary>Finds the column of a flattened name, renaming a repeat within the record to the first free <c>name_N</c>.</summary>
    private int Resolve(ReadOnlySpan<char> name)
    {
        if (_columnLookup.TryGetValue(name, out var column))
        {
            if (_seen[column] != _stamp)
            {
                _seen[column] = _stamp;
                return column;
            }

            for (var suffix = 2; ; suffix++)
            {
                var renamed = Renamed(name, suffix);
                if (!_columnLookup.TryGetValue(renamed, out column))
                {
                    return AddColumn(renamed);
                }

                if (_seen[column] != _stamp)
                {
                    _seen[column] = _stamp;
                    return column;
                }
            }
        }

        return AddColumn(name);
    }

    private ReadOnlySpan<char> Renamed(ReadOnlySpan<char> name, int suffix)
    {
        var length = name.Length + 12;
        if (_scratch.Length < length)
        {
            _scratch = new char[Math.Max(length, _scratch.Length * 2)];
        }

        name.CopyTo(_scratch);
        _scratch[name.Length] = '_';
        suffix.TryFormat(_scratch.AsSpan(name.Length + 1), out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return _scratch.AsSpan(0, name.Length + 1 + written);
    }

    private int AddColumn(ReadOnlySpan<char> name)
    {
        if (_collect)
        {
            throw new IngestionDataException(
                $"{Where()} has the key '{name}', which the first read of the payload did not have: the payload changed between its two reads.");
        }

        if (_header.Count == _limits.MaxColumns)
        {
            throw new IngestionDataException(
                $"{Where()} brings the payload to more than {_limits.MaxColumns} columns (distinct flattened keys). " +
                "Flatten fewer levels, or split the payload.");
        }

        var text = name.ToString();
        var column = _header.Count;
        _header.Add(text);
        _columns.Add(text, column);
        if (column == _seen.Length)
        {
            Array.Resize(ref _seen, Math.Max(16, column * 2));
        }

        _seen[column] = _stamp;
        return column;
    }

    /// <summary>Unescapes a string or property name and appends it as UTF-16, refusing bytes that are not UTF-8.</summary>
    private void DecodeString(ref Utf8JsonReader reader, ref char[] target, ref int length)
    {
        var raw = reader.ValueSpan;

        // Unescaping and UTF-16 never make text longer than its UTF-8 bytes.
        EnsureCapacity(ref target, length + raw.Length);
        var destination = target.AsSpan(length);
        int written;
        if (!reader.ValueIsEscaped)
        {
            if (Utf8.ToUtf16(raw, destination, out _, out written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                throw NotUtf8();
            }
        }
        else
        {
            try
            {
                written = reader.CopyString(destination);
            }
            catch (InvalidOperationException e)
            {
                throw NotUtf8(e);
            }
        }

        length += written;
    }

    private void ValidateString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            if (!Utf8.IsValid(reader.ValueSpan))
            {
                throw NotUtf8();
            }

            return;
        }

        var length = 0;
        DecodeString(ref reader, ref _scratch, ref length);
    }

    private void AppendPath(char c)
    {
        EnsureCapacity(ref _path, _pathLength + 1);
        _path[_pathLength++] = c;
    }

    private void AppendSeparator(bool afterOpen)
    {
        if (!afterOpen)
        {
            Append(',');
        }
    }

    private void Append(char c)
    {
        if (_collect)
        {
            EnsureCapacity(ref _values, _valuesLength + 1);
            _values[_valuesLength++] = c;
        }
    }

    private void Append(string text)
    {
        if (_collect)
        {
            EnsureCapacity(ref _values, _valuesLength + text.Length);
            text.CopyTo(_values.AsSpan(_valuesLength));
            _valuesLength += text.Length;
        }
    }

    /// <summary>Appends a string's bytes as written, escapes and all, between quotes.</summary>
    private void AppendQuoted(ReadOnlySpan<byte> raw)
    {
        Append('"');
        AppendRaw(raw);
        Append('"');
    }

    private void AppendRaw(ReadOnlySpan<byte> raw)
    {
        if (!_collect)
        {
            if (!Utf8.IsValid(raw))
            {
                throw NotUtf8();
            }

            return;
        }

        EnsureCapacity(ref _values, _valuesLength + raw.Length);
        if (Utf8.ToUtf16(raw, _values.AsSpan(_valuesLength), out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            throw NotUtf8();
        }

        _valuesLength += written;
    }

    private static void EnsureCapacity(ref char[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }
    }

    /// <summary>Names the record being read, and its line in JSON Lines.</summary>
    private string Where(long? line = null) => _format == JsonRecordFormat.Array
        ? $"Record {RowNumber + 1}"
        : $"Record {RowNumber + 1} (line {line ?? _lineNumber})";

    private IngestionDataException TooLarge(long? line = null) => new(
        $"{Where(line)} is larger than {_limits.MaxRecordBytes} bytes, the most one record may take.");

    private IngestionDataException NotUtf8(Exception? inner = null) => new(
        $"{Where()} holds text that is not UTF-8 (or an escaped lone surrogate). Save the file as UTF-8 and upload it again.",
        inner);

    /// <summary>What a value token is, for messages: <c>an object</c>, <c>a number</c>.</summary>
    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "not a JSON value",
    };

    // The reader appends zero-based "LineNumber: n | BytePositionInLine: m." to its messages; ours name places instead.
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}
