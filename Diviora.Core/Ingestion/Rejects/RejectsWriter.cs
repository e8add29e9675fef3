using System.Text;

namespace Diviora.Core.Ingestion.Rejects;

/// <summary>
/// Writes a run's rejects as <see cref="RejectsCsv"/>, creating the file only when the first reject arrives, so a clean
/// run leaves nothing behind. Values are kept as they came; the download neutralises formulas when it is written.
/// </summary>
public sealed class RejectsWriter(IRejectsStore store, string name) : IAsyncDisposable
{
    /// <summary>The longest value kept in a rejects file; longer values are cut with "...".</summary>
    public const int MaxValueLength = 1000;

    private readonly StringBuilder _line = new();
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
            await _writer.WriteAsync(RejectsCsv.Header);
        }

        var kept = value is not { } text ? null
            : text.Length <= MaxValueLength ? text.ToString() : string.Concat(text.Span[..MaxValueLength], "...");
        RejectsCsv.AppendRow(_line.Clear(), rowNumber, column, kept, reason, neutralise: false);
        await _writer.WriteAsync(_line, cancellationToken);
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
}
