using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Query;
using Diviora.Core.Query.Export;
using Parquet;
using Parquet.Schema;

namespace Diviora.Tests.Query;

[Trait("Category", "Unit")]
public sealed class ParquetExportTests
{
    private static readonly ParquetOptions ReadOptions = new() { UseDateOnlyTypeForDates = true };

    // ------------------------------------------------------------------ 1) every type, with nulls

    [Fact]
    public async Task AllTypesWithNullsRoundTripExactly()
    {
        DatasetColumn[] columns =
        [
            Col("text", ColumnType.Text),
            Col("bool", ColumnType.Boolean),
            Col("int", ColumnType.Integer),
            Col("dec_10_2", ColumnType.Decimal, 10, 2),   // INT64-backed
            Col("dec_5_3", ColumnType.Decimal, 5, 3),     // INT32-backed
            Col("dec_28_6", ColumnType.Decimal, 28, 6),   // FIXED_LEN_BYTE_ARRAY-backed
            Col("dec_default", ColumnType.Decimal),       // DECIMAL(38, 18)
            Col("double", ColumnType.Double),
            Col("date", ColumnType.Date),
            Col("ts", ColumnType.Timestamp),
            Col("tstz", ColumnType.TimestampTz),
        ];

        using JsonDocument json = JsonDocument.Parse("[1.5e300, -0.1, 42]");
        JsonElement[] jsonNumbers = [.. json.RootElement.EnumerateArray()];

        object?[][] rows =
        [
            ["héllo, wörld 🚀", true, long.MaxValue, 12345678.91m, 12.345m, 1234567890123456789012.123456m, 12345678901234567890.12345678m,
                Math.PI, "2024-02-29", "2024-02-29T23:59:59.123456", "2024-03-01T01:30:00.5+05:30"],
            [null, null, null, null, null, null, null, null, null, null, null],
            ["", false, long.MinValue, -0.01m, -99.999m, -0.000001m, -0.000000000000000001m,
                jsonNumbers[0], "0001-01-01", "0001-01-01T00:00:00", "2024-12-31T20:00:00-08:00"],
            ["x", null, 0L, 0m, 0m, 0m, 0m, jsonNumbers[1], "9999-12-31", "9999-12-31T23:59:59.999999", "1969-07-20T20:17:40Z"],
            [null, true, -1L, 1.5m, 1.5m, 1.5m, 1.5m, jsonNumbers[2], "1970-01-01", "1900-01-01T12:00:00.1", "1900-01-01T00:00:00+00:00"],
            ["last", false, 7L, 99999999.99m, 99.999m, -9999999999999999999999.999999m, -1234567890.123456789012345678m,
                double.NaN, "2000-01-01", "2000-01-01T00:00:00.1234567", "2000-01-01T00:00:00.1234567+01:00"],
        ];

        byte[] file = await ExportAsync(columns, rows);
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file), ReadOptions);

        Assert.Equal(1, reader.RowGroupCount);
        DataField[] fields = reader.Schema.GetDataFields();
        Assert.Equal(columns.Select(c => c.Name), fields.Select(f => f.Name));
        Assert.All(fields, f => Assert.True(f.IsNullable));

        Assert.Equal(rows.Select(r => (string?)r[0]), await ReadStringsAsync(reader, fields[0]));
        Assert.Equal(rows.Select(r => (bool?)r[1]), await ReadAsync<bool>(reader, fields[1]));
        Assert.Equal(rows.Select(r => (long?)r[2]), await ReadAsync<long>(reader, fields[2]));

        // Decimals: declared precision/scale in the schema, values numerically identical.
        for (int c = 3; c <= 6; c++)
        {
            var field = Assert.IsType<DecimalDataField>(fields[c]);
            Assert.Equal(columns[c].Precision ?? ParquetExport.DefaultDecimalPrecision, field.Precision);
            Assert.Equal(columns[c].Scale ?? ParquetExport.DefaultDecimalScale, field.Scale);
            List<decimal?> values = await ReadAsync<decimal>(reader, field);
            Assert.Equal(rows.Select(r => (decimal?)r[c]), values);
            if (field.Precision <= 18)
            {
                // INT32/INT64-backed decimals come back from Parquet.Net with exactly the column's scale. (Its
                // FIXED_LEN_BYTE_ARRAY decoder trims trailing zeros, 1.500000 → 1.5, though the file stores the unscaled
                // integer at the declared scale; other readers, e.g. DuckDB, show 1.500000.)
                Assert.All(values.Where(v => v.HasValue), v => Assert.Equal(field.Scale, v!.Value.Scale));
            }
        }

        // Parquet physical/logical types.
        Assert.Equal(Parquet.Meta.Type.INT64, fields[3].SchemaElement!.Type);
        Assert.Equal(Parquet.Meta.Type.INT32, fields[4].SchemaElement!.Type);
        Assert.Equal(Parquet.Meta.Type.FIXED_LEN_BYTE_ARRAY, fields[5].SchemaElement!.Type);
        Assert.Equal(Parquet.Meta.Type.FIXED_LEN_BYTE_ARRAY, fields[6].SchemaElement!.Type);
        Assert.NotNull(fields[8].SchemaElement!.LogicalType!.DATE);
        Assert.False(fields[9].SchemaElement!.LogicalType!.TIMESTAMP!.IsAdjustedToUTC);
        Assert.NotNull(fields[9].SchemaElement!.LogicalType!.TIMESTAMP!.Unit.MICROS);
        Assert.True(fields[10].SchemaElement!.LogicalType!.TIMESTAMP!.IsAdjustedToUTC);
        Assert.NotNull(fields[10].SchemaElement!.LogicalType!.TIMESTAMP!.Unit.MICROS);

        List<double?> doubles = await ReadAsync<double>(reader, fields[7]);
        Assert.Equal([Math.PI, null, 1.5e300, -0.1, 42d, double.NaN], doubles);

        Assert.Equal(
            [new DateOnly(2024, 2, 29), null, DateOnly.MinValue, new DateOnly(9999, 12, 31), new DateOnly(1970, 1, 1), new DateOnly(2000, 1, 1)],
            await ReadAsync<DateOnly>(reader, fields[8]));

        // Timestamp: wall clock, no conversion (7th fractional digit truncated to microseconds).
        Assert.Equal(
            new long?[]
            {
                new DateTime(2024, 2, 29, 23, 59, 59).Ticks + 1_234_560, null, 0, DateTime.MaxValue.Ticks - 9,
                new DateTime(1900, 1, 1, 12, 0, 0).Ticks + 1_000_000, new DateTime(2000, 1, 1).Ticks + 1_234_560,
            },
            (await ReadAsync<DateTime>(reader, fields[9])).Select(d => d?.Ticks));

        // TimestampTz: the UTC instant.
        List<DateTime?> tstz = await ReadAsync<DateTime>(reader, fields[10]);
        Assert.All(tstz.Where(d => d.HasValue), d => Assert.Equal(DateTimeKind.Utc, d!.Value.Kind));
        Assert.Equal(
            new DateTime?[]
            {
                new DateTime(2024, 2, 29, 20, 0, 0, DateTimeKind.Utc).AddMilliseconds(500), null,
                new DateTime(2025, 1, 1, 4, 0, 0, DateTimeKind.Utc), new DateTime(1969, 7, 20, 20, 17, 40, DateTimeKind.Utc),
                new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(1999, 12, 31, 23, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560),
            },
            tstz);
    }

    [Fact]
    public async Task DecimalsWithExtraDigitsAreRoundedAndOverflowFails()
    {
        DatasetColumn[] columns = [Col("d", ColumnType.Decimal, 6, 2)];
        byte[] file = await ExportAsync(columns, [[1.005m], [-1.005m], [1.004m], [9999.99m]]);
        await using (ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file)))
        {
            Assert.Equal([1.01m, -1.01m, 1.00m, 9999.99m], await ReadAsync<decimal>(reader, reader.Schema.GetDataFields()[0]));
        }

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ExportAsync(columns, [[1m], [10000m]]));
        Assert.Contains("'d'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DECIMAL(6, 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadValueFailsWithColumnName()
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ExportAsync([Col("when", ColumnType.Date)], [["2024-02-30"]]));
        Assert.Contains("'when'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-06-01T10:20:30", 2024, 6, 1, 10, 20, 30, 0L)]
    [InlineData("2024-06-01T10:20:30.1", 2024, 6, 1, 10, 20, 30, 1_000_000L)]
    [InlineData("2024-06-01T10:20:30.0000001", 2024, 6, 1, 10, 20, 30, 1L)]
    [InlineData("2024-06-01 10:20:30.25", 2024, 6, 1, 10, 20, 30, 2_500_000L)]
    public void ParsesTimestampText(string text, int y, int mo, int d, int h, int mi, int s, long extraTicks)
    {
        DateTime parsed = ParquetExport.ParseTimestamp(text);
        Assert.Equal(new DateTime(y, mo, d, h, mi, s).Ticks + extraTicks, parsed.Ticks);
        Assert.Equal(DateTimeKind.Unspecified, parsed.Kind);
    }

    [Theory]
    [InlineData("2024-06-01T10:20:30+02:00", "2024-06-01T08:20:30.0000000Z")]
    [InlineData("2024-06-01T00:20:30.5-05:30", "2024-06-01T05:50:30.5000000Z")]
    [InlineData("2024-06-01T10:20:30Z", "2024-06-01T10:20:30.0000000Z")]
    [InlineData("2024-06-01T10:20:30+02", "2024-06-01T08:20:30.0000000Z")]
    [InlineData("2024-06-01T10:20:30-0230", "2024-06-01T12:50:30.0000000Z")]
    [InlineData("2024-06-01T10:20:30.000+02:00", "2024-06-01T08:20:30.0000000Z")]
    [InlineData("2024-06-01T10:20:30", "2024-06-01T10:20:30.0000000Z")]         // no offset: UTC, not server time
    public void ParsesTimestampTzTextToUtc(string text, string expectedUtc)
    {
        DateTime parsed = ParquetExport.ParseUtcTimestamp(text);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.Equal(expectedUtc, parsed.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    // The framework parsers still read the close variants the ISO reader refuses, and report what they cannot read.
    [Theory]
    [InlineData("2024-06-01T10:20:30.", "2024-06-01T10:20:30.0000000Z")]
    [InlineData("2024-06-01T10:20:30+2:00", "2024-06-01T08:20:30.0000000Z")]
    [InlineData("2024-06-01 10:20:30.Z", "2024-06-01T10:20:30.0000000Z")]
    public void ParsesCloseVariantsOfTimestampTzText(string text, string expectedUtc)
    {
        Assert.Equal(expectedUtc, ParquetExport.ParseUtcTimestamp(text).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2024-06-01T10:20")]
    [InlineData("2024-06-01T10:20:30+14:30")]
    [InlineData("2024-06-01T10:20:30.12345678Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    public void RefusesTimestampTzTextItCannotRead(string text)
    {
        Assert.Throws<FormatException>(() => ParquetExport.ParseUtcTimestamp(text));
    }

    // ------------------------------------------------------------------ 2) names

    [Fact]
    public async Task NamesWithSpacesDotsAndUnicodeSurviveVerbatim()
    {
        string[] names =
        [
            "first name", "a", "a.b", "a.b.c", ".leading", "trailing.", "a..b", " padded ", "Ünïcødé 列名 🚀", "quote\"s and 'apostrophes'",
            "tab\tnew\nline", "root", "schema",
        ];
        DatasetColumn[] columns = [.. names.Select((n, i) => Col(n, ColumnType.Integer, ordinal: i))];
        object?[][] rows = [[.. names.Select((_, i) => (object?)(long)i)], [.. names.Select((_, i) => (object?)(long)(100 + i))]];

        byte[] file = await ExportAsync(columns, rows);
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file));

        DataField[] fields = reader.Schema.GetDataFields();
        Assert.Equal(names, fields.Select(f => f.Name));
        Assert.All(fields, f => Assert.Equal([f.Name], f.Path.ToList()));          // one path part: the dot is not a separator
        Assert.Equal(names, reader.Metadata!.RowGroups[0].Columns.Select(c => Assert.Single(c.MetaData!.PathInSchema)));

        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal([i, 100 + i], await ReadAsync<long>(reader, fields[i]));
        }

        // Lookup by path parts finds the dotted column itself, not a nested "a" → "b".
        Assert.Equal("a.b", reader.Schema.FindDataField(new FieldPath("a.b")).Name);
    }

    // ------------------------------------------------------------------ 3) many rows → several row groups

    [Fact]
    public async Task TwoHundredThousandRowsMakeSeveralRowGroups()
    {
        const int count = 200_000;
        DatasetColumn[] columns = [Col("id", ColumnType.Integer), Col("label", ColumnType.Text), Col("price", ColumnType.Decimal, 12, 2)];

        byte[] file = await ExportAsync(columns, Generate(count, i => [(long)i, i % 10 == 0 ? null : $"row {i}", i / 100m]));
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file));

        int expectedGroups = (count + ParquetExport.MaxRowsPerRowGroup - 1) / ParquetExport.MaxRowsPerRowGroup;
        Assert.Equal(expectedGroups, reader.RowGroupCount);
        Assert.True(reader.RowGroupCount > 1);
        Assert.Equal(count, reader.Metadata!.NumRows);
        Assert.Equal(count, reader.RowGroups.Sum(g => g.RowCount));
        Assert.All(reader.RowGroups.SkipLast(1), g => Assert.Equal(ParquetExport.MaxRowsPerRowGroup, g.RowCount));

        DataField[] fields = reader.Schema.GetDataFields();
        List<long?> ids = await ReadAsync<long>(reader, fields[0]);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long?)i), ids);
        List<string?> labels = await ReadStringsAsync(reader, fields[1]);
        Assert.Equal(count, labels.Count);
        Assert.Null(labels[199_990]);
        Assert.Equal("row 199999", labels[^1]);
        List<decimal?> prices = await ReadAsync<decimal>(reader, fields[2]);
        Assert.Equal(1999.99m, prices[^1]);
    }

    [Fact]
    public async Task WideSchemaUsesShorterRowGroups()
    {
        const int columnCount = 512;
        DatasetColumn[] columns = [.. Enumerable.Range(0, columnCount).Select(i => Col($"c{i}", ColumnType.Boolean, ordinal: i))];
        int rowsPerGroup = ParquetExport.MaxCellsPerRowGroup / columnCount; // 8192
        int count = (rowsPerGroup * 2) + 5;

        byte[] file = await ExportAsync(columns, Generate(count, i => [.. Enumerable.Range(0, columnCount).Select(c => (object?)((i + c) % 3 == 0))]));
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file));

        Assert.Equal(3, reader.RowGroupCount);
        Assert.Equal(rowsPerGroup, reader.RowGroups[0].RowCount);
        Assert.Equal(count, reader.RowGroups.Sum(g => g.RowCount));
    }

    [Fact]
    public async Task LongTextsCutRowGroupsByBufferedBytes()
    {
        string big = new('x', 512 * 1024); // 1 MiB as UTF-16 → a row group every ~64 rows
        byte[] file = await ExportAsync([Col("blob", ColumnType.Text)], Generate(200, _ => [big]));
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file));

        Assert.True(reader.RowGroupCount >= 3, $"row groups: {reader.RowGroupCount}");
        Assert.Equal(200, reader.RowGroups.Sum(g => g.RowCount));
        Assert.All(await ReadStringsAsync(reader, reader.Schema.GetDataFields()[0]), s => Assert.Equal(big, s));
    }

    // ------------------------------------------------------------------ 4) forward-only output

    [Fact]
    public async Task ForwardOnlyAsyncOnlyOutputWorks()
    {
        const int count = 150_000;
        DatasetColumn[] columns =
        [
            Col("id", ColumnType.Integer), Col("name", ColumnType.Text), Col("when", ColumnType.TimestampTz), Col("day", ColumnType.Date),
        ];
        var sink = new ForwardOnlyStream();

        await ExportAsync(columns, Generate(count, i => [(long)i, $"n{i % 1000}", "2024-01-01T00:00:00+01:00", "2024-01-01"]), sink);

        Assert.True(sink.Flushed);
        Assert.True(sink.MaxWrite <= 16 * 1024 * 1024);
        byte[] file = sink.Inner.ToArray();
        Assert.Equal("PAR1"u8.ToArray(), file[..4]);
        Assert.Equal("PAR1"u8.ToArray(), file[^4..]);

        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file), ReadOptions);
        Assert.True(reader.RowGroupCount > 1);
        DataField[] fields = reader.Schema.GetDataFields();
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long?)i), await ReadAsync<long>(reader, fields[0]));
        Assert.Equal("n999", (await ReadStringsAsync(reader, fields[1]))[999]);
        Assert.All(await ReadAsync<DateTime>(reader, fields[2]), d => Assert.Equal(new DateTime(2023, 12, 31, 23, 0, 0, DateTimeKind.Utc), d));
    }

    [Fact]
    public async Task OutputAlreadyPositionedMidStreamStillYieldsAValidFile()
    {
        var target = new MemoryStream();
        target.Write("some prefix"u8);
        await ExportAsync([Col("n", ColumnType.Integer)], Generate(70_000, i => [(long)i]), target);

        byte[] file = target.ToArray()["some prefix".Length..];
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        Assert.Equal(Enumerable.Range(0, 70_000).Select(i => (long?)i), await ReadAsync<long>(reader, reader.Schema.GetDataFields()[0]));
    }

    [Fact]
    public async Task OutputIsLeftOpen()
    {
        var target = new MemoryStream();
        await ExportAsync([Col("n", ColumnType.Integer)], [[1L]], target);
        Assert.True(target.CanWrite);
    }

    // ------------------------------------------------------------------ 5) zero rows

    [Fact]
    public async Task ZeroRowsGiveAValidFileWithTheSchema()
    {
        DatasetColumn[] columns =
        [
            Col("t", ColumnType.Text), Col("b", ColumnType.Boolean), Col("i", ColumnType.Integer), Col("d.x", ColumnType.Decimal, 9, 4),
            Col("f", ColumnType.Double), Col("day", ColumnType.Date), Col("ts", ColumnType.Timestamp), Col("tz", ColumnType.TimestampTz),
        ];
        var sink = new ForwardOnlyStream();
        await ExportAsync(columns, [], sink);

        byte[] file = sink.Inner.ToArray();
        await using ParquetReader reader = await ParquetReader.CreateAsync(new MemoryStream(file), ReadOptions);
        Assert.Equal(0, reader.RowGroupCount);
        Assert.Equal(0, reader.Metadata!.NumRows);
        Assert.Equal(columns.Select(c => c.Name), reader.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(
            [Parquet.Meta.Type.BYTE_ARRAY, Parquet.Meta.Type.BOOLEAN, Parquet.Meta.Type.INT64, Parquet.Meta.Type.INT32, Parquet.Meta.Type.DOUBLE,
                Parquet.Meta.Type.INT32, Parquet.Meta.Type.INT64, Parquet.Meta.Type.INT64],
            reader.Schema.GetDataFields().Select(f => f.SchemaElement!.Type));
        Assert.Equal(
            [typeof(bool), typeof(long), typeof(decimal), typeof(double), typeof(DateOnly), typeof(DateTime), typeof(DateTime)],
            reader.Schema.GetDataFields().Skip(1).Select(f => f.ClrType));
        Assert.NotNull(reader.Schema.GetDataFields()[0].SchemaElement!.LogicalType!.STRING);

        // The serializer reads it too.
        var untyped = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(new MemoryStream(file));
        Assert.Empty(untyped.Data);
    }

    // ------------------------------------------------------------------ failure: no footer

    [Fact]
    public async Task FailureMidStreamLeavesNoFooter()
    {
        var target = new MemoryStream();
        IEnumerable<object?[]> Rows()
        {
            for (int i = 0; i < 100_000; i++)
            {
                yield return [(long)i];
            }

            throw new IOException("database connection lost");
        }

        await Assert.ThrowsAsync<IOException>(() => ExportAsync([Col("n", ColumnType.Integer)], Rows(), target));
        byte[] partial = target.ToArray();
        Assert.True(partial.Length > 4);                                   // row groups were streamed already …
        Assert.NotEqual("PAR1"u8.ToArray(), partial[^4..]);                // … but no footer, so no reader takes it as complete
        await Assert.ThrowsAnyAsync<Exception>(async () => await ParquetReader.CreateAsync(new MemoryStream(partial)));
    }

    [Fact]
    public async Task CancellationStopsWithoutFooter()
    {
        using var cts = new CancellationTokenSource();
        var target = new MemoryStream();
        IEnumerable<object?[]> Rows()
        {
            for (int i = 0; ; i++)
            {
                if (i == 70_000)
                {
                    cts.Cancel();
                }

                yield return [(long)i];
            }
        }

        await using var stream = new RowStream([Col("n", ColumnType.Integer)], Rows());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ParquetExport.WriteAsync(stream, target, cts.Token));
        Assert.NotEqual("PAR1"u8.ToArray(), target.ToArray()[^4..]);
    }

    // ------------------------------------------------------------------ helpers

    private static DatasetColumn Col(string name, ColumnType type, int? precision = null, int? scale = null, int ordinal = 0) =>
        new() { Name = name, PhysicalName = $"c_{ordinal}", Type = type, Precision = precision, Scale = scale, Ordinal = ordinal };

    private static IEnumerable<object?[]> Generate(int count, Func<int, object?[]> row)
    {
        for (int i = 0; i < count; i++)
        {
            yield return row(i);
        }
    }

    private static async Task<byte[]> ExportAsync(IReadOnlyList<DatasetColumn> columns, IEnumerable<object?[]> rows, Stream? output = null)
    {
        output ??= new MemoryStream();
        await using var stream = new RowStream(columns, rows);
        await ParquetExport.WriteAsync(stream, output, CancellationToken.None);
        return output is MemoryStream ms ? ms.ToArray() : [];
    }

    private static async Task<List<T?>> ReadAsync<T>(ParquetReader reader, DataField field) where T : struct
    {
        var all = new List<T?>();
        foreach (ParquetRowGroupReader group in reader.RowGroups)
        {
            var values = new T?[group.RowCount];
            await group.ReadAsync<T>(field, values);
            all.AddRange(values);
        }

        return all;
    }

    private static async Task<List<string?>> ReadStringsAsync(ParquetReader reader, DataField field)
    {
        var all = new List<string?>();
        foreach (ParquetRowGroupReader group in reader.RowGroups)
        {
            var values = new string?[group.RowCount];
            await group.ReadAsync(field, values);
            all.AddRange(values);
        }

        return all;
    }

    /// <summary>
    /// Like an ASP.NET Core response body with AllowSynchronousIO = false: write-only, not seekable, no Length or
    /// Position, and synchronous Write/Flush throw. Captures what was written.
    /// </summary>
    private sealed class ForwardOnlyStream : Stream
    {
        public MemoryStream Inner { get; } = new();

        public bool Flushed { get; private set; }

        public int MaxWrite { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException("Length");

        public override long Position
        {
            get => throw new NotSupportedException("Position get");
            set => throw new NotSupportedException("Position set");
        }

        public override void Flush() => throw new InvalidOperationException("Synchronous Flush is disallowed.");

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushed = true;
            return Task.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous Write is disallowed.");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("Synchronous Write is disallowed.");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            MaxWrite = Math.Max(MaxWrite, buffer.Length);
            Inner.Write(buffer.Span);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Seek");

        public override void SetLength(long value) => throw new NotSupportedException("SetLength");
    }
}
