using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient. The query must parse as exactly one <c>SELECT</c> (<see cref="TSqlSelect"/>)
/// before it is sent; it runs with <c>ApplicationIntent=ReadOnly</c> (an availability group routes the session to a
/// readable secondary) in a transaction that is always rolled back. On a plain server only the login's rights stop a
/// function that writes: give sources a login that may only read.
/// </summary>
internal sealed class SqlServerProvider : DatabaseProvider
{
    public static readonly SqlServerProvider Instance = new();

    // The modes where the connection string carries the credentials: a user and password, or an app's id and secret.
    // Every other Active Directory mode (Default, Managed Identity, MSI, Integrated, Interactive, Device Code Flow,
    // Workload Identity) signs in as whoever Diviora runs as.
    private static readonly SqlAuthenticationMethod[] OwnCredentials =
    [
        SqlAuthenticationMethod.NotSpecified,
        SqlAuthenticationMethod.SqlPassword,
#pragma warning disable CS0618 // Deprecated by Microsoft in favour of identities, but it still carries its own password.
        SqlAuthenticationMethod.ActiveDirectoryPassword,
#pragma warning restore CS0618
        SqlAuthenticationMethod.ActiveDirectoryServicePrincipal,
    ];

    public override string Name => "SQL Server";

    public override PreparedConnection Prepare(string connectionString, DatabaseFetchOptions options)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        if (builder.IntegratedSecurity)
        {
            var keyword = SourceCredentials.Has(connectionString, "Trusted_Connection") ? "Trusted_Connection" : "Integrated Security";
            throw SourceCredentials.Refused(keyword, "signs in as Diviora's own Windows identity");
        }

        if (!OwnCredentials.Contains(builder.Authentication))
        {
            throw SourceCredentials.Refused($"Authentication={builder.Authentication}", "signs in as Diviora's own Azure identity; use SQL authentication, ActiveDirectoryPassword or ActiveDirectoryServicePrincipal");
        }

        builder.ApplicationIntent = ApplicationIntent.ReadOnly;
        builder.ConnectTimeout = Seconds(options.ConnectTimeout);
        builder.CommandTimeout = Seconds(options.CommandTimeout);
        return new PreparedConnection(builder, builder.Password.Length > 0 ? builder.Password : null);
    }

    public override DbConnection CreateConnection(PreparedConnection prepared) => new SqlConnection(prepared.ConnectionString);

    /// <summary>SQL Server has no read-only transaction: the parse keeps writes out, the rollback keeps nothing of one that slips past.</summary>
    public override async Task<DbTransaction?> BeginAsync(DbConnection connection, TimeSpan statementTimeout, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    public override void EnsureOneStatement(DbCommand command)
    {
        if (TSqlSelect.Check(command.CommandText) is { } refused)
        {
            throw new DatabaseFetchException($"database.query must be one SELECT statement that only reads: {refused}");
        }
    }

    public override string Quote(string name) => "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
}
