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
}
