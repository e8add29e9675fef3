namespace Diviora.Core.Ingestion;

/// <summary>
/// Bounds that keep one malformed or hostile payload from exhausting a worker, bound from
/// <c>Diviora:Ingestion:Limits</c>. Past any of them the run fails and says which.
/// </summary>
public sealed class IngestionLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Diviora:Ingestion:Limits";

    /// <summary>The most characters one delimited row may span (and the most bytes one JSON record may take).</summary>
    public int MaxRowChars { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most columns a payload may have.</summary>
    public int MaxColumns { get; set; } = 1000;

    /// <summary>The most a gzip payload or an .xlsx workbook may expand to.</summary>
    public long MaxExpandedBytes { get; set; } = 20L * 1024 * 1024 * 1024;
}
