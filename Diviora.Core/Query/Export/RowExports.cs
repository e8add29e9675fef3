using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Diviora.Core.Catalog;

namespace Diviora.Core.Query.Export;

/// <summary>The formats <c>GET /api/datasets/{d}/export</c> writes, each streaming row by row.</summary>
public static class RowExports
{
    /// <summary>The format names, as the <c>format</c> parameter takes them.</summary>
    public static readonly IReadOnlyList<string> Formats = ["csv", "jsonl", "parquet"];

    /// <summary>The media type of a format.</summary>
    public static string ContentType(string format) => format switch
    {
        "csv" => "text/csv; charset=utf-8",
        "jsonl" => "application/x-ndjson",
        _ => "application/vnd.apache.parquet",
    };

    /// <summary>Writes every row of <paramref name="rows"/> to <paramref name="output"/> in <paramref name="format"/>.</summary>
    public static Task WriteAsync(string format, RowStream rows, Stream output, bool raw, CancellationToken cancellationToken) => format switch
    {
        "csv" => WriteCsvAsync(rows, output, raw, cancellationToken),
        "jsonl" => WriteJsonLinesAsync(rows, output, cancellationToken),
        "parquet" => ParquetExport.WriteAsync(rows, output, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>
    /// RFC 4180 CSV with a header of the column names. Unless <paramref name="raw"/>, a text cell that a spreadsheet
    /// would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) gets a
    /// leading <c>'</c>, so opening an export never executes what a source wrote into it.
    /// </summary>
    public static async Task WriteCsvAsync(RowStream rows, Stream output, bool raw, CancellationToken cancellationToken)
    {
        var columns = rows.Columns;
        var buffer = new ArrayBufferWriter<byte>(BlockSize * 2);
        var scratch = new byte[256];
        for (var i = 0; i < columns.Count; i++)
        {
            // Column names come from source files too.
            var name = Encoding.UTF8.GetBytes(columns[i].Name);
            WriteCsvField(buffer, i, name, neutralise: !raw);
        }

        buffer.Write("\r\n"u8);
        // Only text cells can hold a formula; numbers such as -5 and dates are left as they are.
        var neutralise = columns.Select(c => !raw && c.Type == ColumnType.Text).ToArray();
        while (await rows.ReadAsync(cancellationToken))
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var length = rows.CopyUtf8(i, ref scratch);
                WriteCsvField(buffer, i, length < 0 ? [] : scratch.AsSpan(0, length), neutralise[i]);
            }

            buffer.Write("\r\n"u8);
            if (buffer.WrittenCount >= BlockSize)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>One JSON object per line, keyed by column name and typed as the rows API answers.</summary>
    public static async Task WriteJsonLinesAsync(RowStream rows, Stream output, CancellationToken cancellationToken)
    {
        var columns = rows.Columns;
        var names = columns.Select(c => JsonEncodedText.Encode(c.Name)).ToArray();
        var buffer = new ArrayBufferWriter<byte>(BlockSize * 2);
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        while (await rows.ReadAsync(cancellationToken))
        {
            json.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                json.WritePropertyName(names[i]);
                WriteJsonValue(json, rows.Value(i));
            }

            json.WriteEndObject();
            json.Flush();
            json.Reset();
            buffer.Write("\n"u8);
            if (buffer.WrittenCount >= BlockSize)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case long whole:
                json.WriteNumberValue(whole);
                break;
            case decimal exact:
                json.WriteNumberValue(exact);
                break;
            case double approximate:
                json.WriteNumberValue(approximate);
                break;
            case JsonElement element:
                element.WriteTo(json);
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static readonly SearchValues<byte> NeedsQuotes = SearchValues.Create(",\"\r\n"u8);

    /// <summary>How much an export gathers in memory before it writes to the response.</summary>
    private const int BlockSize = 64 * 1024;

    private static void WriteCsvField(ArrayBufferWriter<byte> buffer, int index, ReadOnlySpan<byte> text, bool neutralise)
    {
        if (index > 0)
        {
            buffer.Write(","u8);
        }

        var formula = neutralise && SpreadsheetFormula.Starts(text);
        if (!formula && text.IndexOfAny(NeedsQuotes) < 0)
        {
            buffer.Write(text);
            return;
        }

        buffer.Write(formula ? "\"'"u8 : "\""u8);
        while (text.IndexOf((byte)'"') is var quote and >= 0)
        {
            buffer.Write(text[..(quote + 1)]);
            buffer.Write("\""u8);
            text = text[(quote + 1)..];
        }

        buffer.Write(text);
        buffer.Write("\""u8);
    }
}
