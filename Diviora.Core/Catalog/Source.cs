namespace Diviora.Core.Catalog;

/// <summary>
/// A system Diviora pulls from (a REST API, a database) or a drop-zone prefix it watches, with the dataset it feeds
/// and when it runs. The Api checks a definition with <see cref="Sources.SourceDefinition.Validate"/> before it is kept.
/// </summary>
public sealed class Source
{
    public Guid Id { get; set; }

    /// <summary>The name as the user wrote it; it follows <see cref="DatasetName"/>'s rule.</summary>
    public required string Name { get; set; }

    /// <summary>The lower-case name; source names are unique regardless of case.</summary>
    public required string NormalizedName { get; set; }

    /// <summary><c>rest</c>, <c>database</c> or <c>dropzone</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The target dataset's name as given; the dataset need not exist until the first run loads it.</summary>
    public required string DatasetName { get; set; }

    /// <summary>A 5-field cron expression; null runs the source only when asked.</summary>
    public string? Schedule { get; set; }

    /// <summary>The IANA time zone the schedule is read in.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>False stops the schedule; the definition is kept.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The mapping (<c>{ columns, constants }</c>) as JSON; null when the source maps nothing.</summary>
    public string? Mapping { get; set; }

    /// <summary>The kind's block (<c>rest</c>, <c>database</c> or <c>dropzone</c>) as JSON.</summary>
    public required string Settings { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Who created the source (a person's name or a client's id); null for sources from before it was recorded.</summary>
    public string? CreatedBy { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Who last saved the definition; null for sources from before it was recorded.</summary>
    public string? UpdatedBy { get; set; }

    /// <summary>When the schedule next fires (UTC); null when the source is disabled or manual.</summary>
    public DateTime? NextRunAt { get; set; }

    /// <summary>When the source last started a run (UTC); null before the first.</summary>
    public DateTime? LastRunAt { get; set; }

    /// <summary>
    /// The incremental cursor: the highest value the last successful run saw, which the next run starts after; null
    /// before the first successful incremental run, and for sources that are not incremental.
    /// </summary>
    public string? Cursor { get; set; }
}
