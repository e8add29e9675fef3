using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;
using Diviora.Core.Warehouse.Sqlite;
using Microsoft.Data.Sqlite;

namespace Diviora.Core.Query;

/// <summary>What a caller asks of a dataset's rows: the query parameters of <c>GET /api/datasets/{d}/rows</c>.</summary>
public sealed record RowsRequest
{
    public string? Filter { get; init; }

    public string? OrderBy { get; init; }

    public string? Select { get; init; }

    public long Offset { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>The <c>nextCursor</c> of the previous page; deep pages stay as fast as the first.</summary>
    public string? Cursor { get; init; }

    /// <summary>Count the rows a filter matches (free without a filter).</summary>
    public bool Count { get; init; }
}

/// <summary>
/// A page of rows: keys are the column names as in the file, values typed per column. <see cref="Total"/> is the
/// number of rows the query matches, when known; <see cref="NextCursor"/> continues after the last row, null at the end.
/// </summary>
public sealed record RowsPage(long? Total, IReadOnlyList<OrderedDictionary<string, object?>> Rows, string? NextCursor = null);

/// <summary>The groups of an aggregate, each with its group values and measures keyed by name.</summary>
public sealed record AggregateResult(IReadOnlyList<string> GroupBy, IReadOnlyList<string> Measures, IReadOnlyList<OrderedDictionary<string, object?>> Rows);

/// <summary>Queries any dataset on any warehouse with the same rules: filter, order, select, paging, aggregates and exports.</summary>
public sealed class DatasetQueries(IWarehouse warehouse)
{
    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The most groups an aggregate answers.</summary>
    public const int MaxGroups = 10_000;

    /// <summary>Reads one page of rows.</summary>
    /// <exception cref="QueryException">A parameter cannot be parsed or names an unknown column.</exception>
    public async Task<RowsPage> ReadAsync(Dataset dataset, RowsRequest request, CancellationToken cancellationToken)
    {
        if (request.Offset < 0)
        {
            throw new QueryException("offset", -1, $"offset must be 0 or more; it was {request.Offset}.");
        }

        if (request.Limit is < 1 or > MaxLimit)
        {
            throw new QueryException("limit", -1, $"limit must be between 1 and {MaxLimit}; it was {request.Limit}.");
        }

        var columns = Columns(dataset);
        var filter = QueryParser.ParseFilter(request.Filter, columns);
        var order = QueryParser.ParseOrderBy(request.OrderBy, columns);
        var select = QueryParser.ParseSelect(request.Select, columns);
        var signature = Signature(dataset, request.Filter, order);
        KeysetPosition? after = null;
        if (!string.IsNullOrEmpty(request.Cursor))
        {
            if (request.Offset != 0)
            {
                throw new QueryException("cursor", -1, "Use either cursor or offset, not both: the cursor already says where the page starts.");
            }

            after = DecodeCursor(request.Cursor, signature, order.Count);
        }

        if (columns.Count == 0)
        {
            return new RowsPage(0, []);
        }

        await using var connection = await warehouse.OpenAsync(cancellationToken);
        long? total = filter is null ? dataset.RowCount : null;
        if (filter is not null && request.Count)
        {
            var counting = new QuerySql(warehouse.Dialect);
            await using var count = connection.CreateCommand();
            count.CommandText = counting.CountRows(dataset, filter);
            counting.Bind(count);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var sql = new QuerySql(warehouse.Dialect);
        await using var command = connection.CreateCommand();
        command.CommandText = sql.SelectRows(dataset, select, filter, order, after, paged: true);
        sql.Bind(command);
        command.AddParameter("@offset", request.Offset);
        // One row more than asked tells whether another page follows.
        command.AddParameter("@limit", (long)request.Limit + 1);

        var rows = new List<OrderedDictionary<string, object?>>(Math.Min(request.Limit, 256));
        KeysetPosition? last = null;
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken);
        }
        catch (DbException) when (after is not null)
        {
            // Only a hand-made cursor binds a value its column cannot compare with.
            throw new QueryException("cursor", -1, "cursor holds values that do not fit this query's order: pass the nextCursor of the previous page unchanged.");
        }

        await using var _ = reader;
        var first = 1 + order.Count;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows.Count == request.Limit)
            {
                return new RowsPage(total, rows, EncodeCursor(signature, last!));
            }

            var row = new OrderedDictionary<string, object?>(select.Count, StringComparer.Ordinal);
            for (var i = 0; i < select.Count; i++)
            {
                row.Add(select[i].Name, ColumnValues.FromStored(select[i].Type, reader.GetValue(first + i)));
            }

            rows.Add(row);
            last = new KeysetPosition([.. Enumerable.Range(1, order.Count).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))], reader.GetInt64(0));
        }

        return new RowsPage(total, rows);
    }

    /// <summary>Groups the rows a filter matches and computes measures per group.</summary>
    /// <exception cref="QueryException">A parameter cannot be parsed or names an unknown column.</exception>
    public async Task<AggregateResult> AggregateAsync(
        Dataset dataset, string? groupBy, string? measures, string? filter, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxGroups)
        {
            throw new QueryException("limit", -1, $"limit must be between 1 and {MaxGroups}; it was {limit}.");
        }

        var columns = Columns(dataset);
        var groups = QueryParser.ParseGroupBy(groupBy, columns);
        var parsedMeasures = QueryParser.ParseMeasures(measures, columns);
        var parsedFilter = QueryParser.ParseFilter(filter, columns);
        var names = groups.Select(g => g.Name).Concat(parsedMeasures.Select(m => m.Name)).ToList();
        var rows = new List<OrderedDictionary<string, object?>>();
        var result = new AggregateResult(groups.Select(g => g.Name).ToList(), parsedMeasures.Select(m => m.Name).ToList(), rows);
        if (columns.Count == 0)
        {
            return result;
        }

        var sql = new QuerySql(warehouse.Dialect);
        await using var connection = await warehouse.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Aggregate(dataset, groups, parsedMeasures, parsedFilter);
        sql.Bind(command);
        if (groups.Count > 0)
        {
            command.AddParameter("@offset", 0L);
            command.AddParameter("@limit", (long)limit);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new OrderedDictionary<string, object?>(names.Count, StringComparer.Ordinal);
            for (var i = 0; i < groups.Count; i++)
            {
                row.Add(names[i], ColumnValues.FromStored(groups[i].Type, reader.GetValue(i)));
            }

            for (var m = 0; m < parsedMeasures.Count; m++)
            {
                row.Add(names[groups.Count + m], MeasureValue(parsedMeasures[m], reader.GetValue(groups.Count + m)));
            }

            rows.Add(row);
        }

        return result;
    }

    /// <summary>
    /// Opens every row a query matches, in order, for streaming out: the caller reads <see cref="RowStream"/> to the
    /// end (memory stays flat however many rows there are) and disposes it.
    /// </summary>
    /// <exception cref="QueryException">A parameter cannot be parsed or names an unknown column.</exception>
    public async Task<RowStream> OpenAsync(Dataset dataset, string? filter, string? orderBy, string? select, CancellationToken cancellationToken)
    {
        var columns = Columns(dataset);
        var parsedFilter = QueryParser.ParseFilter(filter, columns);
        var order = QueryParser.ParseOrderBy(orderBy, columns);
        var selected = QueryParser.ParseSelect(select, columns);
        if (columns.Count == 0)
        {
            return new RowStream(selected, Array.Empty<object?[]>());
        }

        var sql = new QuerySql(warehouse.Dialect);
        var connection = await warehouse.OpenAsync(cancellationToken);
        try
        {
            var command = connection.CreateCommand();
            command.CommandText = sql.SelectRows(dataset, selected, parsedFilter, order, after: null, paged: false);
            sql.Bind(command);
            if (connection is SqliteConnection sqlite)
            {
                return new RowStream(selected, connection, command, SqliteRawRows.Prepare(sqlite, command), 1 + order.Count);
            }

            // Not sequential: ReadAsync then buffers the whole row, so reading its values never blocks on the network.
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            return new RowStream(selected, connection, command, reader, 1 + order.Count);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static List<DatasetColumn> Columns(Dataset dataset) => [.. dataset.Columns.OrderBy(c => c.Ordinal)];

    private static object? MeasureValue(Measure measure, object? stored) => stored switch
    {
        null or DBNull => measure.Kind is MeasureKind.Count or MeasureKind.CountDistinct ? 0L : null,
        _ => measure.Kind switch
        {
            MeasureKind.Count or MeasureKind.CountDistinct => Convert.ToInt64(stored, CultureInfo.InvariantCulture),
            MeasureKind.Min or MeasureKind.Max => ColumnValues.FromStored(measure.Column!.Type, stored),
            // Averages are doubles; sums of integers stay integers and sums of decimals decimals where the warehouse keeps them exact.
            MeasureKind.Avg => Convert.ToDouble(stored, CultureInfo.InvariantCulture),
            _ => measure.Column!.Type == ColumnType.Integer && stored is long or int ? Convert.ToInt64(stored, CultureInfo.InvariantCulture)
                : stored is decimal exact ? exact : Convert.ToDouble(stored, CultureInfo.InvariantCulture),
        },
    };

    /// <summary>Ties a cursor to the dataset, filter and order it was made for.</summary>
    private static string Signature(Dataset dataset, string? filter, IReadOnlyList<OrderTerm> order)
    {
        // The order columns' types too: a cursor made before a column widened holds values of the old type.
        var text = $"{dataset.Id}\n{filter}\n{string.Join(",", order.Select(o => $"{o.Column.PhysicalName}:{o.Column.Type}" + (o.Descending ? " desc" : "")))}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }

    private static string EncodeCursor(string signature, KeysetPosition position)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("s", signature);
            json.WriteNumber("r", position.RowId);
            json.WriteStartArray("v");
            foreach (var value in position.Values)
            {
                WriteTagged(json, value);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    private static KeysetPosition DecodeCursor(string cursor, string signature, int terms)
    {
        const string Invalid = "cursor is not one this query handed out: pass the nextCursor of the previous page with the same filter and orderBy.";
        try
        {
            using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            var root = json.RootElement;
            if (root.GetProperty("s").GetString() != signature)
            {
                throw new QueryException("cursor", -1, "cursor belongs to another filter or orderBy: " + Invalid);
            }

            var values = root.GetProperty("v").EnumerateArray().Select(ReadTagged).ToList();
            return values.Count == terms ? new KeysetPosition(values, root.GetProperty("r").GetInt64()) : throw new QueryException("cursor", -1, Invalid);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new QueryException("cursor", -1, Invalid);
        }
    }

    /// <summary>A stored value with its type, so the next page binds exactly what the database returned.</summary>
    private static void WriteTagged(Utf8JsonWriter json, object? value)
    {
        var (tag, text) = value switch
        {
            null => ("z", ""),
            long l => ("l", l.ToString(CultureInfo.InvariantCulture)),
            int i => ("l", i.ToString(CultureInfo.InvariantCulture)),
            bool b => ("b", b ? "1" : "0"),
            double d => ("f", d.ToString("R", CultureInfo.InvariantCulture)),
            decimal m => ("m", m.ToString(CultureInfo.InvariantCulture)),
            DateTime t => ("t", t.ToString("O", CultureInfo.InvariantCulture)),
            DateTimeOffset o => ("o", o.ToString("O", CultureInfo.InvariantCulture)),
            DateOnly d => ("n", d.ToString("O", CultureInfo.InvariantCulture)),
            string s => ("s", s),
            _ => throw new InvalidOperationException($"A {value.GetType().Name} cannot be kept in a cursor."),
        };
        json.WriteStartArray();
        json.WriteStringValue(tag);
        json.WriteStringValue(text);
        json.WriteEndArray();
    }

    private static object? ReadTagged(JsonElement element)
    {
        var tag = element[0].GetString();
        var text = element[1].GetString()!;
        var c = CultureInfo.InvariantCulture;
        return tag switch
        {
            "z" => null,
            "l" => long.Parse(text, c),
            "b" => text == "1",
            "f" => double.Parse(text, c),
            "m" => decimal.Parse(text, c),
            "t" => DateTime.Parse(text, c, DateTimeStyles.RoundtripKind),
            "o" => DateTimeOffset.Parse(text, c, DateTimeStyles.RoundtripKind),
            "n" => DateOnly.Parse(text, c),
            "s" => text,
            _ => throw new FormatException("Unknown cursor value."),
        };
    }
}

/// <summary>Rows of a query being streamed: <see cref="Columns"/>, then <see cref="ReadAsync"/> and <see cref="Value"/> per row.</summary>
public sealed class RowStream : IAsyncDisposable
{
    private readonly DbConnection? _connection;
    private readonly DbCommand? _command;
    private readonly DbDataReader? _reader;
    private readonly int _first;
    private readonly IEnumerator<object?[]>? _rows;
    private readonly SqliteRawRows? _sqlite;

    internal RowStream(IReadOnlyList<DatasetColumn> columns, DbConnection? connection, DbCommand? command, DbDataReader? reader, int first)
    {
        Columns = columns;
        (_connection, _command, _reader, _first) = (connection, command, reader, first);
    }

    /// <summary>Rows of a SQLite query read through SQLite's own API (the export's fast path).</summary>
    internal RowStream(IReadOnlyList<DatasetColumn> columns, DbConnection connection, DbCommand command, SqliteRawRows rows, int first)
    {
        Columns = columns;
        (_connection, _command, _sqlite, _first) = (connection, command, rows, first);
    }

    /// <summary>Rows already in memory, as the rows API answers them (for tests and small answers).</summary>
    internal RowStream(IReadOnlyList<DatasetColumn> columns, IEnumerable<object?[]> rows)
    {
        Columns = columns;
        _rows = rows.GetEnumerator();
    }

    /// <summary>The columns of every row, in order.</summary>
    public IReadOnlyList<DatasetColumn> Columns { get; }

    /// <summary>Moves to the next row; false after the last.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (_rows is not null || _sqlite is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _rows?.MoveNext() ?? _sqlite!.Step();
        }

        return _reader is not null && await _reader.ReadAsync(cancellationToken);
    }

    /// <summary>Column <paramref name="index"/> of the current row, typed as the rows API answers it; each once, in column order.</summary>
    public object? Value(int index) =>
        _rows is not null ? _rows.Current[index] : ColumnValues.FromStored(Columns[index].Type, Stored(_first + index));

    private object? Stored(int ordinal) => _sqlite is not null ? _sqlite.Value(ordinal) : _reader!.GetValue(ordinal);

    /// <summary>
    /// Column <paramref name="index"/> of the current row as text, as a CSV export writes it; null for null. Canonical
    /// text the warehouse already holds is passed through without being parsed and formatted again.
    /// </summary>
    public string? Text(int index)
    {
        if (_rows is not null)
        {
            return TextOf(_rows.Current[index]);
        }

        if (_sqlite is not null)
        {
            return TextOf(Value(index));
        }

        var ordinal = _first + index;
        if (_reader!.IsDBNull(ordinal))
        {
            return null;
        }

        var type = Columns[index].Type;
        var stored = _reader.GetFieldType(ordinal);
        if (stored == typeof(string) && type is ColumnType.Text or ColumnType.Decimal or ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz)
        {
            return _reader.GetString(ordinal);
        }

        return stored == typeof(long) && type == ColumnType.Integer
            ? _reader.GetInt64(ordinal).ToString(CultureInfo.InvariantCulture)
            : TextOf(ColumnValues.FromStored(type, _reader.GetValue(ordinal)));
    }

    /// <summary>
    /// Copies column <paramref name="index"/> of the current row, as <see cref="Text"/> writes it, into
    /// <paramref name="scratch"/> as UTF-8 (growing it when needed); returns the byte count, or -1 for null. SQLite's
    /// text comes out as the UTF-8 it stores, never decoded and encoded again: the export's hot path.
    /// </summary>
    internal int CopyUtf8(int index, ref byte[] scratch)
    {
        if (_sqlite is not null)
        {
            var ordinal = _first + index;
            if (_sqlite.IsNull(ordinal))
            {
                return -1;
            }

            var type = Columns[index].Type;
            if (_sqlite.IsText(ordinal) && type is ColumnType.Text or ColumnType.Decimal or ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz)
            {
                var utf8 = _sqlite.Utf8(ordinal);
                if (utf8.Length > scratch.Length)
                {
                    scratch = new byte[Math.Max(utf8.Length, scratch.Length * 2)];
                }

                utf8.CopyTo(scratch);
                return utf8.Length;
            }

            if (_sqlite.IsInteger(ordinal) && type == ColumnType.Integer && System.Buffers.Text.Utf8Formatter.TryFormat(_sqlite.Int64(ordinal), scratch, out var digits))
            {
                return digits;
            }
        }

        if (Text(index) is not { } text)
        {
            return -1;
        }

        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (needed > scratch.Length)
        {
            scratch = new byte[Math.Max(needed, scratch.Length * 2)];
        }

        return Encoding.UTF8.GetBytes(text, scratch);
    }

    /// <summary>The text of a value as <see cref="Value"/> answers it.</summary>
    internal static string? TextOf(object? value) => value switch
    {
        null => null,
        bool flag => flag ? "true" : "false",
        double approximate => approximate.ToString("R", CultureInfo.InvariantCulture),
        JsonElement element => element.GetRawText(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _rows?.Dispose();
        _sqlite?.Dispose();
        if (_reader is not null)
        {
            await _reader.DisposeAsync();
        }

        if (_command is not null)
        {
            await _command.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
