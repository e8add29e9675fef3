using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Sources;

namespace Diviora.Core.Ingestion;

/// <summary>Opens a run's records for a pass; a source's run reads it through the source's mapping, which adds <c>_source</c>.</summary>
internal static class RunRecords
{
    /// <param name="readers">The readers of stored payloads.</param>
    /// <param name="context">The run attempt.</param>
    /// <param name="rowsChecked">True when an earlier pass over the same payload has checked its row lengths.</param>
    public static async Task<(IRecordReader Reader, DetectedFormat Format)> OpenAsync(RecordReaders readers, RunContext context, bool rowsChecked)
    {
        var run = context.Run;
        var (reader, format) = await readers.OpenAsync(run.BlobName, run.FileName, context.Options, rowsChecked, context.Cancellation);
        if (run.SourceName is null)
        {
            return (reader, format);
        }

        var mapping = run.Mapping is null ? null : System.Text.Json.JsonSerializer.Deserialize<SourceMapping>(run.Mapping, SourceDefinition.Json);
        return (new MappedRecordReader(reader, mapping, run.SourceName), format);
    }
}
