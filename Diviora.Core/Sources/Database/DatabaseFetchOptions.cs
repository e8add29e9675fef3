namespace Diviora.Core.Sources.Database;

/// <summary>How long <see cref="DatabaseFetcher"/> waits for a database.</summary>
public sealed record DatabaseFetchOptions
{
    /// <summary>
    /// How long one command may run, given to the driver as its command timeout (whole seconds; SQLite takes it as its busy
    /// timeout). 10 minutes when not set: a source query may scan a large table, but a run should not hang.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long opening the connection may take, in whole seconds; it replaces the connection string's own. 30 s when not
    /// set. SQLite opens a local file and has none.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The options used when none are given.</summary>
    public static DatabaseFetchOptions Default { get; } = new();
}
