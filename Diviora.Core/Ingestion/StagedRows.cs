using Diviora.Core.Ingestion.Readers;

namespace Diviora.Core.Ingestion;

/// <summary>What the stage pass wrote: rows kept, rows rejected and where they are listed, and how the payload was read.</summary>
internal sealed record StagedRows(long Rows, long Rejected, string? RejectsBlob, DetectedFormat Format);
