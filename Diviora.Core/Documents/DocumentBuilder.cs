using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Documents;

/// <summary>Builds the documents of a run: <c>{ "id", "dataset", "run", "row", "record" }</c>.</summary>
public static class DocumentBuilder
{
    /// <summary>How many documents a run writes at a time.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// The document's id: the key's value when the dataset has a one-column key (so a later run's record of the same
    /// key replaces it), a hash of the key's values for a key of several columns or a value Cosmos DB refuses in ids
    /// (<c>/ \ ? #</c>, or over 200 characters), else the run and the row. Key values are the typed values as loaded.
    /// </summary>
    public static string IdFor(Guid runId, long row, IReadOnlyList<string?>? key)
    {
        if (key is null)
        {
            return $"{runId:N}-{row}";
        }

        if (key is [{ Length: > 0 and <= 200 } single] && single.AsSpan().IndexOfAny("/\\?#") < 0 && !single.StartsWith("k-", StringComparison.Ordinal))
        {
            return single;
        }

        // The values as a JSON array: unambiguous however they read ("a|b", "c" and "a", "b|c" differ).
        return "k-" + Base64Url.EncodeToString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(key)));
    }

    /// <summary>One document around <paramref name="record"/>.</summary>
    public static JsonObject Document(string dataset, Guid runId, long row, string id, JsonNode record) => new()
    {
        ["id"] = id,
        ["dataset"] = dataset,
        ["run"] = runId.ToString(),
        ["row"] = row,
        ["record"] = record,
    };
}

/// <summary>
/// A JSON payload's records with their nesting, read in step with the record reader's rows (numbered from 1, blank
/// lines of JSON Lines skipped), so a document keeps the record as the source wrote it.
/// </summary>
internal sealed class NestedRecords : IAsyncDisposable
{
    private readonly Stream _payload;
    private readonly IAsyncEnumerator<JsonNode?> _records;
    private long _row;

    private NestedRecords(Stream payload, IAsyncEnumerator<JsonNode?> records) => (_payload, _records) = (payload, records);

    public static async Task<NestedRecords> OpenAsync(RecordReaders readers, string blobName, bool lines, CancellationToken cancellationToken)
    {
        var payload = await readers.OpenDecodedAsync(blobName, cancellationToken);
        return new NestedRecords(payload, Records(payload, lines, cancellationToken).GetAsyncEnumerator(cancellationToken));
    }

    /// <summary>The record of row <paramref name="row"/>; rows are asked for in ascending order.</summary>
    public async Task<JsonNode?> AtAsync(long row)
    {
        while (_row < row)
        {
            if (!await _records.MoveNextAsync())
            {
                return null;
            }

            _row++;
        }

        return _row == row ? _records.Current : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _records.DisposeAsync();
        await _payload.DisposeAsync();
    }

    private static async IAsyncEnumerable<JsonNode?> Records(Stream payload, bool lines, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!lines)
        {
            await foreach (var record in JsonSerializer.DeserializeAsyncEnumerable<JsonNode>(payload, cancellationToken: cancellationToken))
            {
                yield return record;
            }

            yield break;
        }

        using var reader = new StreamReader(payload, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return JsonNode.Parse(line);
            }
        }
    }
}

/// <summary>
/// Passes every staged value on to the real writer and keeps a copy of the row, so a run can write the same typed
/// records as documents. Values are kept as the column's JSON type.
/// </summary>
internal sealed class DocumentCapture(IStagingWriter inner, IReadOnlyList<DatasetColumn> columns, string dataset, Guid runId, int[]? keyColumns) : IStagingWriter
{
    private readonly JsonNode?[] _values = new JsonNode?[columns.Count];

    /// <summary>Documents captured and not yet written; the pipeline writes and clears them batch by batch.</summary>
    public List<JsonObject> Pending { get; } = [];

    public void WriteNull(int column)
    {
        _values[column] = null;
        inner.WriteNull(column);
    }

    public void WriteInteger(int column, long value)
    {
        _values[column] = columns[column].Type == ColumnType.Boolean ? JsonValue.Create(value != 0) : JsonValue.Create(value);
        inner.WriteInteger(column, value);
    }

    public void WriteText(int column, ReadOnlySpan<char> value)
    {
        _values[column] = columns[column].Type switch
        {
            ColumnType.Decimal => JsonValue.Create(decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)),
            ColumnType.Double => JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(value.ToString()),
        };
        inner.WriteText(column, value);
    }

    public void EndRow(long sourceRow)
    {
        var record = new JsonObject();
        for (var i = 0; i < columns.Count; i++)
        {
            record[columns[i].Name] = _values[i];
            _values[i] = null;
        }

        var key = keyColumns?.Select(k => record[columns[k].Name]?.ToString()).ToList();
        Pending.Add(DocumentBuilder.Document(dataset, runId, sourceRow, DocumentBuilder.IdFor(runId, sourceRow, key), record));
        inner.EndRow(sourceRow);
    }

    public Task CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
