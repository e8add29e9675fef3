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

    /// <summary>The default of <see cref="MaxResponseBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxResponseBytes = 256L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxRecordsPerRun"/>: 10,000,000.</summary>
    public const long DefaultMaxRecordsPerRun = 10_000_000;

    /// <summary>
    /// The non-public endpoints sources may reach, comma-separated: <c>host:port</c>, addresses and CIDR ranges (see
    /// <see cref="Network.PrivateEndpoints"/>). Empty: sources reach public addresses only.
    /// </summary>
    public string? AllowPrivateEndpoints { get; set; }

    /// <summary>
    /// The SQL Server endpoints database sources may use (public ones too), comma-separated like
    /// <see cref="AllowPrivateEndpoints"/>. Empty: SQL Server sources are refused (see <see cref="Network.SourceNetworkPolicy.SqlServers"/>).
    /// </summary>
    public string? SqlServerEndpoints { get; set; }

    /// <summary>The largest response one request of a REST source may have, in bytes.</summary>
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>The most records one fetch of a REST or database source may pull.</summary>
    public long MaxRecordsPerRun { get; set; } = DefaultMaxRecordsPerRun;
}
