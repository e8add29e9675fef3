using System.Data.Common;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// What differs between the databases a source can read: the driver, how its session is made read-only and bounded, how
/// it is made to run exactly one statement, how a name is quoted, and how its types read.
/// </summary>
internal abstract class DatabaseProvider
{
    /// <summary>The name the cursor parameter goes by where parameters have names.</summary>
    private const string NamedCursor = "@diviora_cursor";

    /// <summary>The provider's name for messages: <c>PostgreSQL</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when a column's type is the type of each value rather than of the column (SQLite).</summary>
    public virtual bool TypesPerValue => false;

    /// <summary>Where Diviora's own select puts the last cursor: <c>@diviora_cursor</c>, or PostgreSQL's <c>$1</c>.</summary>
    public virtual string CursorPlaceholder => NamedCursor;

    /// <summary>The <see cref="DbParameter.ParameterName"/> of the cursor: empty for a positional one.</summary>
    public virtual string CursorParameterName => NamedCursor;

    /// <summary>The provider for a <see cref="DatabaseSettings.Provider"/> key.</summary>
    public static DatabaseProvider For(string key) => key switch
    {
        "postgres" => PostgresProvider.Instance,
        "sqlserver" => SqlServerProvider.Instance,
        "sqlite" => SqliteProvider.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a database provider."),
    };

    /// <summary>
    /// The connection to open: <paramref name="connectionString"/> with read-only intent and the timeouts of
    /// <paramref name="options"/> set, as a builder so that the server it names can be read before it is opened.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a connection string of this provider.</exception>
    /// <exception cref="DatabaseFetchException">The connection string asks for something a source may not have, such as Diviora's own identity.</exception>
    public abstract PreparedConnection Prepare(string connectionString, DatabaseFetchOptions options);

    public abstract DbConnection CreateConnection(PreparedConnection prepared);

    /// <summary>The host a secret of a database in a local file must be bound to: <c>localhost</c>.</summary>
    public const string LocalFile = "localhost";

    /// <summary>True when the database is a local file (SQLite): it has no server, and <see cref="Servers"/> names none.</summary>
    public virtual bool IsLocalFile => false;

    /// <summary>The servers a connection string connects to, as host and port; none for a file.</summary>
    /// <exception cref="DatabaseFetchException">The server is given in a form sources may not use (a Unix socket, a named pipe).</exception>
    public abstract IReadOnlyList<(string Host, int Port)> Servers(DbConnectionStringBuilder builder);

    /// <summary>
    /// Replaces each server's name in <paramref name="builder"/> by the addresses the network policy checked, so the driver
    /// connects to those and cannot resolve the name to another address in between; nothing where the driver needs the
    /// name itself (a certificate checked against it).
    /// </summary>
    public virtual void Pin(DbConnectionStringBuilder builder, IReadOnlyList<(string Host, int Port, System.Net.IPAddress[] Addresses)> servers)
    {
    }

    /// <summary>Narrows what the opened connection may do before anything runs on it; nothing by default.</summary>
    public virtual void Confine(DbConnection connection)
    {
    }

    /// <summary>
    /// Starts the transaction the fetch runs in: read-only where the database can enforce it, each statement cut off after
    /// <paramref name="statementTimeout"/>, and always rolled back; null for none.
    /// </summary>
    public abstract Task<DbTransaction?> BeginAsync(DbConnection connection, TimeSpan statementTimeout, CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure the database runs <paramref name="command"/>, with all its parameters added, as exactly one statement, or
    /// refuses it before it runs.
    /// </summary>
    /// <exception cref="DatabaseFetchException">The text is not one statement that only reads.</exception>
    public abstract void EnsureOneStatement(DbCommand command);

    /// <summary>
    /// Stops <paramref name="command"/> when <paramref name="cancellationToken"/> is cancelled, also in the middle of a
    /// row, until the result is disposed.
    /// </summary>
    public virtual QueryStop StopOnCancel(DbConnection connection, DbCommand command, TimeSpan timeout, CancellationToken cancellationToken) =>
        new(command.Cancel, timeout: null, cancellationToken);

    /// <summary>The driver's own command timeout, in whole seconds, for a statement that may run <paramref name="timeout"/>.</summary>
    public virtual int CommandTimeoutSeconds(TimeSpan timeout) => Seconds(timeout);

    /// <summary><paramref name="name"/> as a quoted identifier.</summary>
    public abstract string Quote(string name);

    /// <summary>True when a <see cref="DateTime"/> column of <paramref name="dataTypeName"/> holds UTC instants.</summary>
    public virtual bool IsUtc(string dataTypeName) => false;

    /// <summary>Whole seconds for a driver's timeout setting, at least 1 and at most <paramref name="max"/>.</summary>
    public static int Seconds(TimeSpan timeout, int max = int.MaxValue) => (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, max);
}

/// <summary>
/// A source's connection string as it will be opened. <see cref="Builder"/> names the server (<c>Host</c> and
/// <c>Port</c>, <c>Data Source</c>): a check of where a source may connect reads it before the connection opens.
/// </summary>
/// <param name="Builder">The provider's own builder, with Diviora's settings applied.</param>
/// <param name="Password">The password it holds, to keep out of messages; null for none.</param>
internal sealed record PreparedConnection(DbConnectionStringBuilder Builder, string? Password)
{
    public string ConnectionString => Builder.ConnectionString;
}
