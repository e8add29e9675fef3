using System.Globalization;
using System.Text;

namespace Diviora.Core.Ingestion.Rejects;

/// <summary>
/// Writes a run's rejects as RFC 4180 CSV, creating the file only when the first reject arrives, so a clean run
/// leaves nothing behind.
/// </summary>
public sealed class RejectsWriter(IRejectsStore store, string name) : IAsyncDisposable
{
    /// <summary>The longest value kept in a rejects file; longer values are cut with "...".</summary>
    public const int MaxValueLength = 1000;

    private StreamWriter? _writer;

    /// <summary>How many rows were rejected.</summary>
    public long Count { get; private set; }

    /// <summary>The file's name once something was written; null while there are no rejects.</summary>
    public string? Name => _writer is null ? null : name;

    /// <summary>Adds one rejected row.</summary>
    public async ValueTask AddAsync(long rowNumber, string column, ReadOnlyMemory<char>? value, string reason, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            _writer = new StreamWriter(await store.CreateAsync(name, cancellationToken), new UTF8Encoding(false), 1 << 16);
            await _writer.WriteAsync("rowNumber,column,value,reason\n");
        }

        await _writer.WriteAsync(rowNumber.ToString(CultureInfo.InvariantCulture));
        await _writer.WriteAsync(',');
        await WriteFieldAsync(column.AsMemory());
        await _writer.WriteAsync(',');
        if (value is { } text)
        {
            // Quoted even when empty, so an empty string reads back apart from a null.
            await WriteFieldAsync(text.Length <= MaxValueLength ? text : string.Concat(text.Span[..MaxValueLength], "...").AsMemory(), alwaysQuote: true);
        }

        await _writer.WriteAsync(',');
        await WriteFieldAsync(reason.AsMemory());
        await _writer.WriteAsync('\n');
        Count++;
    }

    /// <summary>Flushes and closes the file, if one was started.</summary>
    public async Task CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync();
            await _writer.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    private async Task WriteFieldAsync(ReadOnlyMemory<char> field, bool alwaysQuote = false)
    {
        if (!alwaysQuote && field.Span.IndexOfAny(",\"\r\n") < 0)
        {
            await _writer!.WriteAsync(field);
            return;
        }

        await _writer!.WriteAsync('"');
        await _writer.WriteAsync(field.ToString().Replace("\"", "\"\"", StringComparison.Ordinal));
        await _writer.WriteAsync('"');
    }
}
