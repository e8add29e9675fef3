namespace Diviora.Core.Ingestion;

/// <summary>
/// Bounds that keep one malformed or hostile payload from exhausting a worker, bound from
/// <c>Diviora:Ingestion:Limits</c>. Past any of them the run fails and says which.
/// </summary>
public sealed class IngestionLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Diviora:Ingestion:Limits";

    /// <summary>
    /// The most characters one delimited row may span (and the most bytes one JSON record may take). Kept below the
    /// CSV parser's own 16 Mi-character ceiling, so the clear error comes first.
    /// </summary>
    public int MaxRowChars { get; set; } = 8 * 1024 * 1024;

    /// <summary>The most columns a payload may have.</summary>
    public int MaxColumns { get; set; } = 1000;

    /// <summary>The most a gzip payload or an .xlsx workbook may expand to.</summary>
    public long MaxExpandedBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>
    /// The most a gzip payload may expand per compressed byte, checked while it is read once
    /// <see cref="ExpansionRatioFloorBytes"/> have come out. Real CSV and JSON shrink 3 to 20 times, a compression bomb
    /// a thousand times.
    /// </summary>
    public long MaxExpansionRatio { get; set; } = 100;

    /// <summary>How much a gzip payload may expand before its ratio is checked, so small repetitive files always load.</summary>
    public long ExpansionRatioFloorBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// The most a whole .xlsx workbook sent for format detection may expand to before the Api reads it; past it the
    /// preview names the format only, as for a part of a workbook, and the run reads the file under the limits above.
    /// </summary>
    public long MaxDetectionExpandedBytes { get; set; } = 64L * 1024 * 1024;
}
