using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Core.Catalog;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Documents;

/// <summary>Builds the documents of a run: <c>{ "id", "dataset", "run", "row", "record" }</c>.</summary>
public static class DocumentBuilder
{
    /// <summary>How many documents a run writes at a time.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// The document's id: the key's values joined with <c>|</c> when the dataset has a key (so a later run's record
    /// of the same key replaces it), else the run and the row. Characters Cosmos DB refuses in ids
    /// (<c>/ \ ? #</c>) or very long keys give a hash instead.
    /// </summary>
    public static string IdFor(Guid runId, long row, IReadOnlyList<string?>? key)
    {
        if (key is null)
        {
            return $"{runId:N}-{row}";
        }

        var joined = string.Join("|", key.Select(v => v ?? ""));
        return joined.Length is > 0 and <= 200 && joined.AsSpan().IndexOfAny("/\\?#") < 0
            ? joined
            : "k-" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
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

    /// <summary>
    /// The records of a JSON array or JSON Lines payload, one at a time and with their nesting, numbered from 1 as the
    /// record reader numbers them (blank lines of JSON Lines are skipped).
    /// </summary>
    public static async IAsyncEnumerable<(long Row, JsonNode? Record)> JsonRecordsAsync(
        Stream payload, bool lines, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long row = 0;
        if (!lines)
        {
            await foreach (var record in JsonSerializer.DeserializeAsyncEnumerable<JsonNode>(payload, cancellationToken: cancellationToken))
            {
                yield return (++row, record);
            }

            yield break;
        }

        using var reader = new StreamReader(payload, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (++row, JsonNode.Parse(line));
            }
        }
    }
}

/// <summary>
/// Passes every staged value on to the real writer and keeps a copy of the row, so a run of a delimited or Excel
/// payload can write the same typed records as documents. Values are kept as the column's JSON type.
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
