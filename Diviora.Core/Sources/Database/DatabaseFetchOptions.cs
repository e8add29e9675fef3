namespace Diviora.Core.Sources.Database;

/// <summary>
/// How long <see cref="DatabaseFetcher"/> waits for a database, how much one run may fetch, and where SQLite source files
/// may be. Bound from <see cref="Section"/> (<c>Diviora:Sources:Database:CommandTimeout</c>, ...).
/// </summary>
public sealed record DatabaseFetchOptions
{
    public const string Section = "Diviora:Sources:Database";

    /// <summary>
    /// How long one statement may run, its rows streamed out included: PostgreSQL's <c>statement_timeout</c>, SQL Server's
    /// command timeout, and for SQLite a timer that interrupts it. 10 minutes when not set: a source query may scan a large
    /// table, but a run should not hang.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long opening the connection may take, in whole seconds; it replaces the connection string's own. 30 s when not
    /// set. SQLite opens a local file and has none.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most records one fetch may write; a query that returns more fails the run rather than fill the disk and the
    /// warehouse. 10,000,000 when not set; the services set it from <c>Diviora:Sources:MaxRecordsPerRun</c>, the limit
    /// REST sources share. An incremental source fetches in runs below it.
    /// </summary>
    public long MaxRecords { get; init; } = 10_000_000;

    /// <summary>
    /// The folder SQLite sources' files must be in (its subfolders too); a file anywhere else, such as the warehouse's own,
    /// is refused. The AppHost sets <c>&lt;data folder&gt;/sources</c>. Null or empty: SQLite sources are refused.
    /// </summary>
    public string? SqliteFolder { get; init; }

    /// <summary>The options used when none are given.</summary>
    public static DatabaseFetchOptions Default { get; } = new();

    /// <summary>The setting that names <paramref name="option"/>, for messages: <c>Diviora:Sources:Database:CommandTimeout</c>.</summary>
    internal static string Setting(string option) => $"{Section}:{option}";
}
