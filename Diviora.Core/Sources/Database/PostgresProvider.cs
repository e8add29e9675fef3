using System.Data.Common;
using Npgsql;

namespace Diviora.Core.Sources.Database;

/// <summary>PostgreSQL through Npgsql: the fetch runs in a <c>READ ONLY</c> transaction, which refuses any write.</summary>
internal sealed class PostgresProvider : DatabaseProvider
{
    public static readonly PostgresProvider Instance = new();

    // Npgsql refuses a connect timeout above this many seconds.
    private const int MaxConnectSeconds = 1024;

    public override string Name => "PostgreSQL";

    public override (string ConnectionString, string? Password) Prepare(string connectionString, DatabaseFetchOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = Seconds(options.ConnectTimeout, MaxConnectSeconds),
            CommandTimeout = Seconds(options.CommandTimeout),
            // An integer array holding a null reads as int?[] instead of failing to read as int[].
            ArrayNullabilityMode = ArrayNullabilityMode.PerInstance,
        };
        return (builder.ConnectionString, builder.Password);
    }

    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public override IReadOnlyList<(string Host, int Port)> Servers(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var servers = new List<(string, int)>();
        foreach (var entry in (builder.Host ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.StartsWith('/') || entry.StartsWith('@'))
            {
                throw new DatabaseFetchException("database.connection names a Unix socket as its Host: sources connect over TCP to a server the network policy allows.");
            }

            // Npgsql takes host:port (and [v6]:port) in the Host list; a bare host uses Port.
            servers.Add(Network.PrivateEndpoints.SplitHostPort(entry) is ({ } host, { } port) ? (host, port) : (entry.Trim('[', ']'), builder.Port));
        }

        return servers.Count > 0 ? servers : throw new DatabaseFetchException("database.connection names no Host.");
    }

    public override async Task<DbTransaction?> BeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var readOnly = connection.CreateCommand();
        readOnly.Transaction = transaction;
        readOnly.CommandText = "SET TRANSACTION READ ONLY";
        await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return transaction;
    }

    /// <summary>Pins the hosts unless <c>SSL Mode=VerifyFull</c>, which checks the certificate against the host name.</summary>
    public override string Pin(string connectionString, IReadOnlyList<(string Host, int Port, System.Net.IPAddress[] Addresses)> servers)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.SslMode == SslMode.VerifyFull)
        {
            return connectionString;
        }

        builder.Host = string.Join(',', servers.SelectMany(s => s.Addresses.Select(a =>
            (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString()) + ":" + s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return builder.ConnectionString;
    }

    public override string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Npgsql reads <c>timestamp with time zone</c> as UTC <see cref="DateTime"/> values, and wants them back so.</summary>
    public override bool IsUtc(string dataTypeName) => dataTypeName is "timestamp with time zone" or "timestamptz";
}
