using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Parquet;
using Parquet.Schema;

namespace Diviora.Core.Query.Export;

/// <summary>
/// Streams the rows of a query to an Apache Parquet file (Parquet.Net 6.x, Snappy compression).
/// </summary>
/// <remarks>
/// <para>
/// <b>Schema.</b> One flat, nullable (OPTIONAL) field per <see cref="RowStream.Columns"/> entry, in column order. The
/// field name is <see cref="DatasetColumn.Name"/> verbatim: Parquet.Net 6 keeps schema paths as lists of parts, so
/// names with spaces, dots or any Unicode survive unchanged (nothing is escaped).
/// </para>
/// <para><b>Type mapping</b> (column type → Parquet physical type / logical type):</para>
/// <list type="bullet">
/// <item><description>Text → BYTE_ARRAY / STRING (UTF-8).</description></item>
/// <item><description>Boolean → BOOLEAN.</description></item>
/// <item><description>Integer → INT64.</description></item>
/// <item><description>Decimal → DECIMAL(p, s) with the column's Precision/Scale when both are set and valid
/// (1 ≤ p ≤ 38, 0 ≤ s ≤ min(p, 28)), else DECIMAL(38, 18). Stored as INT32 for p ≤ 9, INT64 for p ≤ 18, otherwise
/// 16-byte FIXED_LEN_BYTE_ARRAY. A value with more fractional digits than s is rounded half away from zero to s
/// digits; a value whose integer part needs more than p - s digits fails the export (it cannot be represented).</description></item>
/// <item><description>Double → DOUBLE (a <see cref="JsonElement"/> number is read with <see cref="JsonElement.GetDouble"/>).</description></item>
/// <item><description>Date (<c>yyyy-MM-dd</c>) → INT32 / DATE.</description></item>
/// <item><description>Timestamp (<c>yyyy-MM-ddTHH:mm:ss[.fffffff]</c>) → INT64 / TIMESTAMP(isAdjustedToUTC = false,
/// MICROS): the wall-clock value, no time-zone conversion.</description></item>
/// <item><description>TimestampTz (<c>yyyy-MM-ddTHH:mm:ss[.fffffff]±hh:mm</c>) → INT64 / TIMESTAMP(isAdjustedToUTC =
/// true, MICROS): the instant, converted to UTC using the offset in the text.</description></item>
/// </list>
/// <para>
/// Timestamps are stored in microseconds: a 7th fractional digit (100 ns) is truncated. Microseconds rather than
/// nanoseconds keep the whole 0001–9999 year range representable (INT64 nanoseconds only cover 1677–2262) and are read
/// by every common engine.
/// </para>
/// <para>
/// <b>Memory.</b> Rows are buffered column-wise in typed arrays that are allocated once and reused. A row group is
/// written whenever the buffer holds <see cref="MaxRowsPerRowGroup"/> rows (fewer for wide schemas: at most
/// <see cref="MaxCellsPerRowGroup"/> cells) or about <see cref="MaxBufferedBytesPerRowGroup"/> bytes of buffered
/// values, whichever comes first, so memory stays flat whatever the number of rows; the whole result is never held.
/// </para>
/// <para>
/// <b>Output.</b> The file is written strictly forward: <c>output</c> may be non-seekable (an ASP.NET Core response
/// body) and is only ever written with asynchronous calls. Parquet.Net 6 does not need a seekable stream (it needs only
/// a running byte count, which the internal wrapper provides), so nothing is staged in memory or on disk beyond the
/// current row group. Parquet.Net calls <see cref="Stream.Flush()"/> synchronously before each page; the wrapper
/// ignores that call so no synchronous I/O reaches <c>output</c>, and small writes are coalesced into 64 KiB writes.
/// <c>output</c> is flushed (asynchronously) at the end but never disposed.
/// </para>
/// <para>
/// <b>Failure.</b> If reading the rows, converting a value or writing fails (or <c>cancellationToken</c> fires), the
/// exception propagates and the Parquet footer is deliberately <em>not</em> written, so a partial output can never be
/// mistaken for a complete file by a reader.
/// </para>
/// </remarks>
internal static class ParquetExport
{
    /// <summary>Upper bound on rows per row group (and on the length of each per-column buffer).</summary>
    internal const int MaxRowsPerRowGroup = 64 * 1024;

    /// <summary>Upper bound on rows × columns per row group, so wide schemas use shorter buffers.</summary>
    internal const int MaxCellsPerRowGroup = 4 * 1024 * 1024;

    /// <summary>Lower bound on rows per row group, however wide the schema.</summary>
    internal const int MinRowsPerRowGroup = 1024;

    /// <summary>A row group is also written once the buffered values reach about this many bytes (long texts).</summary>
    internal const long MaxBufferedBytesPerRowGroup = 64L * 1024 * 1024;

    /// <summary>DECIMAL precision and scale used when the column has none (or an invalid pair).</summary>
    internal const int DefaultDecimalPrecision = 38, DefaultDecimalScale = 18;

    /// <summary>
    /// Writes every remaining row of <paramref name="rows"/> to <paramref name="output"/> as one Parquet file
    /// (see the class remarks for the schema, type mapping and memory behaviour). Zero rows produce a valid file with
    /// the schema and no row groups.
    /// </summary>
    /// <param name="rows">The rows to export; read to the end. Its <see cref="RowStream.Columns"/> define the schema.</param>
    /// <param name="output">Writable destination; need not be seekable; flushed at the end, not disposed.</param>
    /// <param name="cancellationToken">Cancels reading and writing; on cancellation no footer is written.</param>
    /// <exception cref="InvalidDataException">A value cannot be converted to its column's Parquet type.</exception>
    public static async Task WriteAsync(RowStream rows, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream is not writable.", nameof(output));
        }

        IReadOnlyList<DatasetColumn> columns = rows.Columns;
        int columnCount = columns.Count;
        int rowsPerGroup = Math.Clamp(MaxCellsPerRowGroup / Math.Max(columnCount, 1), MinRowsPerRowGroup, MaxRowsPerRowGroup);

        var buffers = new ColumnBuffer[columnCount];
        var fields = new Field[columnCount];
        for (int c = 0; c < columnCount; c++)
        {
            buffers[c] = ColumnBuffer.Create(columns[c], rowsPerGroup);
            fields[c] = buffers[c].Field;
        }

        var schema = new ParquetSchema(fields);
        var sink = new ForwardOnlyWriteStream(output, cancellationToken);

        // Not "await using": disposing the writer writes the footer, which must only happen after every row was
        // written. On an exception the writer is abandoned (it holds no unmanaged resources) and the output stays
        // an incomplete, unreadable file.
        ParquetWriter writer = await ParquetWriter.CreateAsync(schema, sink, options: null, append: false, cancellationToken)
            .ConfigureAwait(false);

        int buffered = 0;
        long bufferedBytes = 0;
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (int c = 0; c < columnCount; c++)
            {
                bufferedBytes += buffers[c].Add(buffered, rows.Value(c));
            }

            buffered++;
            if (buffered == rowsPerGroup || bufferedBytes >= MaxBufferedBytesPerRowGroup)
            {
                await WriteRowGroupAsync(writer, buffers, buffered, cancellationToken).ConfigureAwait(false);
                buffered = 0;
                bufferedBytes = 0;
            }
        }

        if (buffered > 0)
        {
            await WriteRowGroupAsync(writer, buffers, buffered, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await writer.DisposeAsync().ConfigureAwait(false); // writes the footer
        await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, ColumnBuffer[] buffers, int rowCount, CancellationToken cancellationToken)
    {
        using ParquetRowGroupWriter rowGroup = writer.CreateRowGroup();
        foreach (ColumnBuffer buffer in buffers)
        {
            await buffer.WriteAsync(rowGroup, rowCount, cancellationToken).ConfigureAwait(false);
        }

        rowGroup.CompleteValidate();
    }

    /// <summary>One column's reusable buffer of converted values plus its Parquet field.</summary>
    private abstract class ColumnBuffer
    {
        protected ColumnBuffer(DatasetColumn column, DataField field)
        {
            Column = column;
            Field = field;
        }

        public DatasetColumn Column { get; }

        public DataField Field { get; }

        /// <summary>Converts and stores <paramref name="value"/> at <paramref name="row"/>; returns its approximate size in bytes.</summary>
        public abstract long Add(int row, object? value);

        public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, int rowCount, CancellationToken cancellationToken);

        public static ColumnBuffer Create(DatasetColumn column, int capacity)
        {
            string name = column.Name;
            switch (column.Type)
            {
                case ColumnType.Text:
                    return new ColumnBuffer<ReadOnlyMemory<char>>(column, new DataField(name, typeof(string), isNullable: true), capacity,
                        static v => (v as string ?? ToInvariantString(v)).AsMemory(), static m => m.Length * sizeof(char));
                case ColumnType.Boolean:
                    return new ColumnBuffer<bool>(column, new DataField(name, typeof(bool), isNullable: true), capacity, ToBoolean);
                case ColumnType.Integer:
                    return new ColumnBuffer<long>(column, new DataField(name, typeof(long), isNullable: true), capacity, ToInt64);
                case ColumnType.Double:
                    return new ColumnBuffer<double>(column, new DataField(name, typeof(double), isNullable: true), capacity, ToDouble);
                case ColumnType.Date:
                    return new ColumnBuffer<DateOnly>(column, new DataField(name, typeof(DateOnly), isNullable: true), capacity, ToDate);
                case ColumnType.Timestamp:
                    return new ColumnBuffer<DateTime>(column,
                        new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: false, DateTimeTimeUnit.Micros, isNullable: true),
                        capacity, ToTimestamp);
                case ColumnType.TimestampTz:
                    return new ColumnBuffer<DateTime>(column,
                        new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, DateTimeTimeUnit.Micros, isNullable: true),
                        capacity, ToUtcTimestamp);
                case ColumnType.Decimal:
                    (int precision, int scale) = DecimalPrecisionAndScale(column);
                    decimal limit = precision - scale <= 28 ? Pow10(precision - scale) : decimal.MaxValue;
                    return new ColumnBuffer<decimal>(column,
                        new DecimalDataField(name, precision, scale, forceByteArrayEncoding: false, isNullable: true),
                        capacity, v => ToDecimal(v, scale, limit, precision));
                default:
                    throw new NotSupportedException($"Column '{name}' has unsupported type {column.Type}.");
            }
        }
    }

    private sealed class ColumnBuffer<T> : ColumnBuffer where T : struct
    {
        private static readonly int FixedSize = Unsafe.SizeOf<T?>();
        private readonly T?[] _values;
        private readonly Func<object, T> _convert;
        private readonly Func<T, int>? _variableSize;

        public ColumnBuffer(DatasetColumn column, DataField field, int capacity, Func<object, T> convert, Func<T, int>? variableSize = null)
            : base(column, field)
        {
            _values = new T?[capacity];
            _convert = convert;
            _variableSize = variableSize;
        }

        public override long Add(int row, object? value)
        {
            if (value is null || value is DBNull || value is JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined })
            {
                _values[row] = null;
                return FixedSize;
            }

            T converted;
            try
            {
                converted = _convert(value);
            }
            catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidDataException(
                    $"Parquet export: column '{Column.Name}' ({Column.Type}) has a value of type {value.GetType().Name} that cannot be converted: {ex.Message}", ex);
            }

            _values[row] = converted;
            return _variableSize is null ? FixedSize : FixedSize + _variableSize(converted);
        }

        public override async Task WriteAsync(ParquetRowGroupWriter rowGroup, int rowCount, CancellationToken cancellationToken)
        {
            await rowGroup.WriteAsync<T>(Field, new ReadOnlyMemory<T?>(_values, 0, rowCount), repetitionLevels: null, customMetadata: null, cancellationToken)
                .ConfigureAwait(false);

            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                Array.Clear(_values, 0, rowCount); // let the strings of this row group be collected
            }
        }
    }

    // ---------------------------------------------------------------- value conversion

    private static string ToInvariantString(object value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static bool ToBoolean(object value) => value switch
    {
        bool b => b,
        JsonElement e => e.GetBoolean(),
        _ => Convert.ToBoolean(value, CultureInfo.InvariantCulture),
    };

    private static long ToInt64(object value) => value switch
    {
        long l => l,
        JsonElement e => e.GetInt64(),
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    private static double ToDouble(object value) => value switch
    {
        double d => d,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } e => double.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonElement e => throw new InvalidCastException($"JSON {e.ValueKind} is not a number."),
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    private static decimal ToDecimal(object value, int scale, decimal limit, int precision)
    {
        decimal d = value switch
        {
            decimal m => m,
            JsonElement e => e.GetDecimal(),
            _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        };

        if (d.Scale > scale)
        {
            d = decimal.Round(d, scale, MidpointRounding.AwayFromZero);
        }

        if (d >= limit || d <= -limit)
        {
            throw new OverflowException($"{d.ToString(CultureInfo.InvariantCulture)} does not fit DECIMAL({precision}, {scale}).");
        }

        return d;
    }

    private static (int Precision, int Scale) DecimalPrecisionAndScale(DatasetColumn column)
    {
        if (column.Precision is int p && column.Scale is int s && p is >= 1 and <= 38 && s >= 0 && s <= p && s <= 28)
        {
            return (p, s);
        }

        return (DefaultDecimalPrecision, DefaultDecimalScale);
    }

    private static decimal Pow10(int exponent)
    {
        decimal result = 1m;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }

    private static DateOnly ToDate(object value) => value switch
    {
        string s => ParseDate(s),
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        JsonElement { ValueKind: JsonValueKind.String } e => ParseDate(e.GetString()!),
        _ => throw new InvalidCastException("Expected a yyyy-MM-dd string."),
    };

    private static DateTime ToTimestamp(object value) => value switch
    {
        string s => ParseTimestamp(s),
        DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), // wall clock, as stored
        JsonElement { ValueKind: JsonValueKind.String } e => ParseTimestamp(e.GetString()!),
        _ => throw new InvalidCastException("Expected a yyyy-MM-ddTHH:mm:ss[.fffffff] string."),
    };

    private static DateTime ToUtcTimestamp(object value) => value switch
    {
        string s => ParseUtcTimestamp(s),
        DateTimeOffset dto => dto.UtcDateTime,
        DateTime { Kind: DateTimeKind.Local } dt => dt.ToUniversalTime(),
        DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
        JsonElement { ValueKind: JsonValueKind.String } e => ParseUtcTimestamp(e.GetString()!),
        _ => throw new InvalidCastException("Expected a yyyy-MM-ddTHH:mm:ss[.fffffff]±hh:mm string."),
    };

    // The RowStream contract's forms go through the one ISO reader; anything else goes through the framework parsers,
    // which accept close variants and produce the error messages.

    private static readonly string[] TimestampFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    private static readonly string[] TimestampTzFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK"];

    // Seconds are required: warehouses always write them (see IsoForms.OptionalSeconds).
    private const IsoForms TimestampForms = IsoForms.Timestamp | IsoForms.SpaceSeparator;

    internal static DateOnly ParseDate(string s) =>
        IsoDateTimeText.TryParse(s, IsoForms.Date, out IsoDateTime parsed)
            ? parsed.Date
            : DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateTime ParseTimestamp(string s) =>
        IsoDateTimeText.TryParse(s, TimestampForms, out IsoDateTime parsed)
            ? parsed.ToDateTime()
            : DateTime.ParseExact(s, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None);

    // A missing offset means UTC, never the server's time zone.
    internal static DateTime ParseUtcTimestamp(string s) =>
        IsoDateTimeText.TryParse(s, TimestampForms | IsoForms.TimestampTz | IsoForms.OffsetWithoutMinutes, out IsoDateTime parsed)
            ? parsed.ToUtcDateTime()
            : DateTimeOffset.ParseExact(s, TimestampTzFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;

    // ---------------------------------------------------------------- output

    /// <summary>
    /// Forward-only, write-only view of the caller's stream: counts bytes (Position), coalesces small writes into
    /// 64 KiB chunks, sends data with asynchronous writes only, and ignores synchronous Flush (Parquet.Net calls it
    /// before every page; on a Kestrel response body it would throw, since synchronous I/O is disallowed there).
    /// Never disposes the inner stream.
    /// </summary>
    private sealed class ForwardOnlyWriteStream(Stream inner, CancellationToken exportToken) : Stream
    {
        private const int ChunkSize = 64 * 1024;
        private readonly byte[] _chunk = new byte[ChunkSize];
        private int _chunkLength;
        private long _position;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
            // Deliberately nothing: see the class summary. Data goes out in WriteAsync and FlushAsync.
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            CancellationToken token = Token(cancellationToken);
            await DrainAsync(token).ConfigureAwait(false);
            await inner.FlushAsync(token).ConfigureAwait(false);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            // Not used by Parquet.Net 6.1 on the output; supported for completeness (may block on the inner stream).
            if (buffer.Length > ChunkSize - _chunkLength)
            {
                inner.Write(_chunk, 0, _chunkLength);
                _chunkLength = 0;
                if (buffer.Length >= ChunkSize)
                {
                    inner.Write(buffer);
                    _position += buffer.Length;
                    return;
                }
            }

            buffer.CopyTo(_chunk.AsSpan(_chunkLength));
            _chunkLength += buffer.Length;
            _position += buffer.Length;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            CancellationToken token = Token(cancellationToken);
            token.ThrowIfCancellationRequested();
            if (buffer.Length > ChunkSize - _chunkLength)
            {
                await DrainAsync(token).ConfigureAwait(false);
                if (buffer.Length >= ChunkSize)
                {
                    await inner.WriteAsync(buffer, token).ConfigureAwait(false);
                    _position += buffer.Length;
                    return;
                }
            }

            buffer.Span.CopyTo(_chunk.AsSpan(_chunkLength));
            _chunkLength += buffer.Length;
            _position += buffer.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async ValueTask DrainAsync(CancellationToken token)
        {
            if (_chunkLength > 0)
            {
                await inner.WriteAsync(_chunk.AsMemory(0, _chunkLength), token).ConfigureAwait(false);
                _chunkLength = 0;
            }
        }

        private CancellationToken Token(CancellationToken callToken) => callToken.CanBeCanceled ? callToken : exportToken;
    }
}
