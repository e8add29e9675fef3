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

    /// <summary>
    /// The server of <c>Data Source</c>: <c>tcp:host,port</c>, <c>host\instance</c>, <c>host</c> (port 1433). Named pipes
    /// and shared memory reach the platform's own machine, and are refused.
    /// </summary>
    public override IReadOnlyList<(string Host, int Port)> Servers(DbConnectionStringBuilder builder)
    {
        var source = ((SqlConnectionStringBuilder)builder).DataSource.Trim();
        if (source.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
        {
            source = source[4..];
        }
        else if (source.Contains(':', StringComparison.Ordinal) && !source.StartsWith('['))
        {
            throw new DatabaseFetchException("database.connection's Data Source uses a protocol other than TCP (np:, lpc:, admin:): sources connect over TCP to a server the network policy allows.");
        }

        if (source.Length == 0 || source is "." or "(local)" || source.StartsWith("(localdb)", StringComparison.OrdinalIgnoreCase))
        {
            throw new DatabaseFetchException("database.connection's Data Source is the local machine ('.', '(local)' or LocalDB): sources connect over TCP to a server the network policy allows.");
        }

        var port = 1433;
        var comma = source.LastIndexOf(',');
        if (comma >= 0)
        {
            if (!int.TryParse(source.AsSpan(comma + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new DatabaseFetchException("database.connection's Data Source has a port that is not a number from 1 to 65535.");
            }

            source = source[..comma];
        }

        var instance = source.IndexOf('\\', StringComparison.Ordinal);
        var host = (instance >= 0 ? source[..instance] : source).Trim().Trim('[', ']');
        return [(host, port)];
    }

    /// <summary>Connects to the first checked address; the certificate is still checked against the name (<c>HostNameInCertificate</c>).</summary>
    public override void Pin(DbConnectionStringBuilder builder, IReadOnlyList<(string Host, int Port, System.Net.IPAddress[] Addresses)> servers)
    {
        var (host, port, addresses) = servers[0];
        var sql = (SqlConnectionStringBuilder)builder;
        if (string.IsNullOrEmpty(sql.HostNameInCertificate) && !System.Net.IPAddress.TryParse(host, out _))
        {
            sql.HostNameInCertificate = host;
        }

        sql.DataSource = $"tcp:{addresses[0]},{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

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
