using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// Writes the rows of one result as JSON objects keyed by the column names, reading each value once and in order, as
/// <see cref="System.Data.CommandBehavior.SequentialAccess"/> requires.
/// </summary>
internal sealed class JsonRowWriter
{
    private readonly DatabaseProvider _provider;
    private readonly string[] _names;
    private readonly JsonEncodedText[] _keys;
    private readonly FieldKind[] _kinds;

    /// <summary>Learns the columns of <paramref name="result"/>: their names, made unique by the CSV header rule, and kinds.</summary>
    public JsonRowWriter(DbDataReader result, DatabaseProvider provider)
    {
        _provider = provider;
        var header = new string[result.FieldCount];
        _kinds = new FieldKind[header.Length];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = result.GetName(i);
            _kinds[i] = FieldValue.KindOf(result.GetFieldType(i), result.GetDataTypeName(i));
        }

        _names = ColumnNaming.ColumnNames(header);
        _keys = Array.ConvertAll(_names, name => JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping));
    }

    /// <summary>
    /// Writes the current row of <paramref name="result"/>, number <paramref name="row"/> from 1, as one object. The value
    /// of column <paramref name="cursorOrdinal"/> (-1 for none) goes to <paramref name="cursor"/> when it is not null.
    /// </summary>
    public void Write(DbDataReader result, long row, Utf8JsonWriter writer, int cursorOrdinal, ref FieldValue? cursor)
    {
        writer.WriteStartObject();
        for (var i = 0; i < _keys.Length; i++)
        {
            writer.WritePropertyName(_keys[i]);
            if (result.IsDBNull(i))
            {
                writer.WriteNullValue();
                continue;
            }

            FieldValue value;
            var kind = _kinds[i];
            try
            {
                if (_provider.TypesPerValue)
                {
                    kind = FieldValue.KindOf(result.GetFieldType(i), null);
                }

                value = FieldValue.Read(result, i, kind);
            }
            catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException or NotSupportedException)
            {
                throw new DatabaseFetchException($"Row {row}, column '{_names[i]}' ({result.GetDataTypeName(i)}) of the {_provider.Name} query cannot be read as {kind}: {e.Message} Convert it in the query, for example to text.");
            }

            value.WriteTo(writer);
            if (i == cursorOrdinal)
            {
                cursor = value;
            }
        }

        writer.WriteEndObject();
    }
}
