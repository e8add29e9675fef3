using System.Data.Common;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// What differs between the databases a source can read: the driver, how its session is made read-only, how a name is
/// quoted, and how its types read.
/// </summary>
internal abstract class DatabaseProvider
{
    /// <summary>The provider's name for messages: <c>PostgreSQL</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when a column's type is the type of each value rather than of the column (SQLite).</summary>
    public virtual bool TypesPerValue => false;

    /// <summary>The provider for a <see cref="DatabaseSettings.Provider"/> key.</summary>
    public static DatabaseProvider For(string key) => key switch
    {
        "postgres" => PostgresProvider.Instance,
        "sqlserver" => SqlServerProvider.Instance,
        "sqlite" => SqliteProvider.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a database provider."),
    };

    /// <summary>
    /// The connection string to open: <paramref name="connectionString"/> with read-only intent and the timeouts of
    /// <paramref name="options"/> set, and the password it holds (to keep out of messages), if any.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a connection string of this provider.</exception>
    public abstract (string ConnectionString, string? Password) Prepare(string connectionString, DatabaseFetchOptions options);

    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>What <see cref="Servers"/> names for a database in a local file: secrets for it are bound to <c>localhost</c>.</summary>
    public const string LocalFile = "localhost";

    /// <summary>
    /// The servers a prepared connection string connects to, as host and port; <see cref="LocalFile"/> for a file.
    /// </summary>
    /// <exception cref="DatabaseFetchException">The server is given in a form sources may not use (a Unix socket, a named pipe).</exception>
    public abstract IReadOnlyList<(string Host, int Port)> Servers(string connectionString);

    /// <summary>
    /// The connection string with each server's name replaced by the addresses the network policy checked, so the driver
    /// connects to those and cannot resolve the name to another address in between; unchanged where the driver needs the
    /// name itself (a certificate checked against it).
    /// </summary>
    public virtual string Pin(string connectionString, IReadOnlyList<(string Host, int Port, System.Net.IPAddress[] Addresses)> servers) => connectionString;

    /// <summary>Starts the transaction the fetch runs in, read-only where the database can enforce it; null for none.</summary>
    public abstract Task<DbTransaction?> BeginAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary><paramref name="name"/> as a quoted identifier.</summary>
    public abstract string Quote(string name);

    /// <summary>True when a <see cref="DateTime"/> column of <paramref name="dataTypeName"/> holds UTC instants.</summary>
    public virtual bool IsUtc(string dataTypeName) => false;

    /// <summary>Whole seconds for a driver's timeout setting, at least 1 and at most <paramref name="max"/>.</summary>
    public static int Seconds(TimeSpan timeout, int max = int.MaxValue) => (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, max);
}
