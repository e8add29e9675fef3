namespace Diviora.Core.Sources;

/// <summary>How often the worker looks for due schedules and for files in the drop zone, and how long a file must rest.</summary>
public sealed class SourcesOptions
{
    public const string Section = "Diviora:Sources";

    /// <summary>Seconds between looks at the schedules; a run starts at most this late.</summary>
    public double ScheduleSeconds { get; set; } = 1;

    /// <summary>Seconds between scans of the drop zone.</summary>
    public double DropzoneSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a dropped file must go unchanged before it is taken, so a tool that commits a file in several steps
    /// (ADLS flushes, SFTP, BlobFuse) is not taken half-written.
    /// </summary>
    public double DropzoneQuietSeconds { get; set; } = 10;
}
