using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient, with <c>ApplicationIntent=ReadOnly</c> (an availability group routes the
/// session to a readable secondary) and a transaction that is rolled back at the end, so a query that manages to write
/// (<c>select ... into</c>) leaves nothing behind. Neither stops a write on a plain server: the login's rights do.
/// </summary>
internal sealed class SqlServerProvider : DatabaseProvider
{
    public static readonly SqlServerProvider Instance = new();

    public override string Name => "SQL Server";

    public override (string ConnectionString, string? Password) Prepare(string connectionString, DatabaseFetchOptions options)
    {
        var builder = new SqlConnectionStringBuilder(connectionString)
        {
            ApplicationIntent = ApplicationIntent.ReadOnly,
            ConnectTimeout = Seconds(options.ConnectTimeout),
            CommandTimeout = Seconds(options.CommandTimeout),
        };
        return (builder.ConnectionString, builder.Password.Length > 0 ? builder.Password : null);
    }

    public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    /// <summary>
    /// The server of <c>Data Source</c>: <c>tcp:host,port</c>, <c>host\instance</c>, <c>host</c> (port 1433). Named pipes
    /// and shared memory reach the platform's own machine, and are refused.
    /// </summary>
    public override IReadOnlyList<(string Host, int Port)> Servers(string connectionString)
    {
        var source = new SqlConnectionStringBuilder(connectionString).DataSource.Trim();
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

    public override async Task<DbTransaction?> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    /// <summary>Connects to the first checked address; the certificate is still checked against the name (<c>HostNameInCertificate</c>).</summary>
    public override string Pin(string connectionString, IReadOnlyList<(string Host, int Port, System.Net.IPAddress[] Addresses)> servers)
    {
        var (host, port, addresses) = servers[0];
        var builder = new SqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.HostNameInCertificate) && !System.Net.IPAddress.TryParse(host, out _))
        {
            builder.HostNameInCertificate = host;
        }

        builder.DataSource = $"tcp:{addresses[0]},{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return builder.ConnectionString;
    }

    public override string Quote(string name) => "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
}
