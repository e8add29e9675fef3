namespace Diviora.Core.Warehouse;

/// <summary>
/// How long a warehouse command may run before the driver gives up, bound from <see cref="Section"/>
/// (<c>Diviora:Warehouse:QueryTimeout</c>, <c>Diviora:Warehouse:LoadTimeout</c>). PostgreSQL and SQL Server warehouses
/// apply them; a SQLite warehouse has no statement timeout, and waits up to a minute for its write lock.
/// </summary>
public sealed record WarehouseTimeouts
{
    public const string Section = "Diviora:Warehouse";

    /// <summary>
    /// Every command that is not part of a load: the catalog, dataset queries, aggregates and profiles (an export's rows
    /// are read in many calls, each with this time). 60 s when not set.
    /// </summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The commands of a load (staging, bulk copy, merge, schema changes, indexes) and catalog migrations. 30 minutes when
    /// not set: long enough for large files, short of a run that hangs for ever.
    /// </summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The timeouts used when none are given.</summary>
    public static WarehouseTimeouts Default { get; } = new();

    /// <summary>Whole seconds for a driver's command timeout, at least 1 (0 would mean none).</summary>
    internal static int Seconds(TimeSpan timeout) => (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, int.MaxValue);
}
