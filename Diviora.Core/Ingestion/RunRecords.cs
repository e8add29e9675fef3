using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Sources;

namespace Diviora.Core.Ingestion;

/// <summary>Opens a run's records for a pass; a source's run reads it through the source's mapping, which adds <c>_source</c>.</summary>
internal static class RunRecords
{
    /// <param name="readers">The readers of stored payloads.</param>
    /// <param name="context">The run attempt, with what an earlier pass established (<see cref="RunContext.Earlier"/>).</param>
    /// <returns>The reader, the payload's format, and what this pass establishes for a later one.</returns>
    public static async Task<(IRecordReader Reader, DetectedFormat Format, EarlierPass Established)> OpenAsync(RecordReaders readers, RunContext context)
    {
        var run = context.Run;
        var (reader, format) = await readers.OpenAsync(run.BlobName, run.FileName, context.Options, context.Earlier, context.Cancellation);
        // A JSON reader knows its keys once open: the payload's own, before any mapping. A later pass learns nothing new.
        var established = context.Earlier ?? new EarlierPass(format.Kind is PayloadKind.Json or PayloadKind.JsonLines ? [.. reader.Header] : null);
        if (run.SourceName is null)
        {
            return (reader, format, established);
        }

        var mapping = run.Mapping is null ? null : System.Text.Json.JsonSerializer.Deserialize<SourceMapping>(run.Mapping, SourceDefinition.Json);
        return (new MappedRecordReader(reader, mapping, run.SourceName), format, established);
    }
}
