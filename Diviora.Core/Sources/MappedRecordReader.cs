using System.Text.Json;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Sources;

/// <summary>
/// A source run's records as the dataset sees them: fields renamed by the source's mapping, its constants added, and
/// <c>_source</c> set to the source's name, in that order after the payload's own fields. A constant replaces a
/// payload field of the same name. A payload field that is itself called <c>_source</c> must be renamed by the mapping:
/// the column always says which Diviora source loaded the row.
/// </summary>
public sealed class MappedRecordReader : IRecordReader
{
    private readonly IRecordReader _inner;

    /// <summary>Per output column: the payload field it reads (0 or more), or <c>-1 - k</c> for constant k.</summary>
    private readonly int[] _fields;

    private readonly string?[] _constants;

    /// <exception cref="IngestionDataException">A payload field would be called <c>_source</c>.</exception>
    public MappedRecordReader(IRecordReader inner, SourceMapping? mapping, string sourceName)
    {
        _inner = inner;
        var renames = mapping?.Columns ?? new Dictionary<string, string>();
        var constants = new List<(string Name, string? Value)>();
        foreach (var (name, value) in mapping?.Constants ?? new Dictionary<string, JsonElement>())
        {
            constants.Add((name, Text(value)));
        }

        constants.Add((SystemColumns.Source, sourceName));
        var constantNames = constants.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var header = new List<string>();
        var fields = new List<int>();
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < inner.Header.Count; i++)
        {
            var name = renames.TryGetValue(inner.Header[i], out var renamed) ? renamed : inner.Header[i];
            if (name == SystemColumns.Source)
            {
                throw new IngestionDataException(
                    $"The payload has a field '{inner.Header[i]}', which would take the name of Diviora's own '{SystemColumns.Source}' column. " +
                    $"Rename it in the source's mapping: {{\"columns\": {{\"{inner.Header[i]}\": \"origin\"}}}}.");
            }

            if (constantNames.Contains(name))
            {
                continue;
            }

            if (!from.TryAdd(name, inner.Header[i]))
            {
                throw new IngestionDataException(
                    $"The payload's fields '{from[name]}' and '{inner.Header[i]}' would both be the column '{name}' after the source's mapping. " +
                    "Map one of them to another name.");
            }

            header.Add(name);
            fields.Add(i);
        }

        for (var k = 0; k < constants.Count; k++)
        {
            header.Add(constants[k].Name);
            fields.Add(-1 - k);
        }

        Header = header;
        _fields = [.. fields];
        _constants = [.. constants.Select(c => c.Value)];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Header { get; }

    /// <inheritdoc />
    public long RowNumber => _inner.RowNumber;

    /// <inheritdoc />
    public string Location => _inner.Location;

    /// <inheritdoc />
    public bool Read() => _inner.Read();

    /// <inheritdoc />
    public ReadOnlySpan<char> this[int column]
    {
        get
        {
            var field = _fields[column];
            return field >= 0 ? _inner[field] : _constants[-1 - field];
        }
    }

    /// <inheritdoc />
    public bool IsNull(int column)
    {
        var field = _fields[column];
        return field >= 0 ? _inner.IsNull(field) : _constants[-1 - field] is null;
    }

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    /// <summary>A constant as a field's text: strings as they are, numbers as written, booleans as true/false; null stays null.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };
}
