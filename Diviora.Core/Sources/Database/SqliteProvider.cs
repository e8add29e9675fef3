using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite. Only a file inside the sources folder opens (<see cref="SqliteSourceFile"/>),
/// with <c>Mode=ReadOnly</c>. Once open, an authorizer lets statements only select, read and call functions (no ATTACH,
/// VACUUM INTO, PRAGMA or transaction control), no database can be attached, and each command must prepare as exactly
/// one statement: Microsoft.Data.Sqlite would otherwise run every statement of a text in turn.
/// </summary>
internal sealed class SqliteProvider : DatabaseProvider
{
    public static readonly SqliteProvider Instance = new();

    // Kept in a field: SQLite holds on to the callback for as long as the connection is open.
    private static readonly delegate_authorizer ReadOnly = Authorize;

    public override string Name => "SQLite";

    /// <summary>SQLite keeps a type per value: a column can hold integers on one row and text on the next.</summary>
    public override bool TypesPerValue => true;

    public override PreparedConnection Prepare(string connectionString, DatabaseFetchOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        builder.DataSource = SqliteSourceFile.Resolve(builder.DataSource, options.SqliteFolder);
        // Also keeps a mistyped path from creating an empty database.
        builder.Mode = SqliteOpenMode.ReadOnly;
        builder.DefaultTimeout = Seconds(options.CommandTimeout);
        // A fresh connection per fetch: the authorizer and limits set on it never reach a pooled connection of anyone else.
        builder.Pooling = false;
        return new PreparedConnection(builder, builder.Password.Length > 0 ? builder.Password : null);
    }

    public override DbConnection CreateConnection(PreparedConnection prepared) => new SqliteConnection(prepared.ConnectionString);

    public override bool IsLocalFile => true;

    public override IReadOnlyList<(string Host, int Port)> Servers(DbConnectionStringBuilder builder) => [];

    public override void Confine(DbConnection connection)
    {
        var handle = ((SqliteConnection)connection).Handle!;
        raw.sqlite3_limit(handle, raw.SQLITE_LIMIT_ATTACHED, 0);
        raw.sqlite3_set_authorizer(handle, ReadOnly, Refusal.Of(handle));
    }

    /// <summary>SQLite files have no read-only transaction to start: the file is opened read-only instead.</summary>
    public override Task<DbTransaction?> BeginAsync(DbConnection connection, TimeSpan statementTimeout, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction?>(null);

    public override void EnsureOneStatement(DbCommand command)
    {
        var handle = ((SqliteConnection)command.Connection!).Handle!;
        var refusal = Refusal.Of(handle);
        refusal.Action = null;
        var result = raw.sqlite3_prepare_v2(handle, command.CommandText, out var statement, out string rest);
        using (statement)
        {
            if (result != raw.SQLITE_OK)
            {
                var why = refusal.Action is { } action ? $"it asks to {action}" : raw.sqlite3_errmsg(handle).utf8_to_string();
                throw new DatabaseFetchException($"database.query must be one statement that only reads: {why}.");
            }

            // VACUUM INTO passes the authorizer until it runs; SQLite knows from the prepared statement that it writes.
            if (!statement.IsInvalid && raw.sqlite3_stmt_readonly(statement) == 0)
            {
                throw new DatabaseFetchException("database.query must be one statement that only reads: it writes.");
            }
        }

        // What follows the first statement may only be blank or comments: SQLite prepares nothing from those. One that
        // fails to prepare (the authorizer refuses an ATTACH) is a second statement all the same.
        var next = raw.sqlite3_prepare_v2(handle, rest, out var following, out string _);
        using (following)
        {
            if (next != raw.SQLITE_OK || !following.IsInvalid)
            {
                throw new DatabaseFetchException("database.query must be one statement that only reads: it holds more than one statement.");
            }
        }
    }

    /// <summary>SQLite runs on the calling thread and has no statement timeout: both stop it by interrupting the connection.</summary>
    public override QueryStop StopOnCancel(DbConnection connection, DbCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var handle = ((SqliteConnection)connection).Handle!;
        return new QueryStop(() => raw.sqlite3_interrupt(handle), timeout, cancellationToken);
    }

    public override string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static int Authorize(object userData, int action, utf8z first, utf8z second, utf8z database, utf8z trigger)
    {
        if (action is raw.SQLITE_SELECT or raw.SQLITE_READ or raw.SQLITE_FUNCTION or raw.SQLITE_RECURSIVE)
        {
            return raw.SQLITE_OK;
        }

        ((Refusal)userData).Action ??= action switch
        {
            raw.SQLITE_ATTACH => "attach a database or write one (ATTACH, VACUUM INTO)",
            raw.SQLITE_DETACH => "detach a database",
            raw.SQLITE_PRAGMA => $"run PRAGMA {first.utf8_to_string()}",
            raw.SQLITE_TRANSACTION => "control the transaction",
            raw.SQLITE_SAVEPOINT => "set a savepoint",
            raw.SQLITE_INSERT or raw.SQLITE_UPDATE or raw.SQLITE_DELETE => $"change the table {first.utf8_to_string()}",
            _ => $"do more than read (SQLite action {action})",
        };
        return raw.SQLITE_DENY;
    }

    /// <summary>What the authorizer last refused on a connection, for the message.</summary>
    private sealed class Refusal
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<sqlite3, Refusal> ByHandle = [];

        public string? Action { get; set; }

        public static Refusal Of(sqlite3 handle) => ByHandle.GetValue(handle, _ => new Refusal());
    }
}
