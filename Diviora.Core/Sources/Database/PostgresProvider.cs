using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// PostgreSQL through Npgsql. The fetch runs in a <c>READ ONLY</c> transaction with a <c>statement_timeout</c>, which is
/// always rolled back, and every command goes in Npgsql's raw mode: with positional parameters Npgsql sends the text as
/// it is, in one Parse message, and the server refuses more than one statement in it. Without parameters Npgsql would
/// split the text at each <c>;</c> it sees outside quotes by its own reading, and send the pieces as a batch.
/// </summary>
internal sealed class PostgresProvider : DatabaseProvider
{
    public static readonly PostgresProvider Instance = new();

    // How much longer the driver waits than the server's own statement timeout.
    private static readonly TimeSpan ClientMargin = TimeSpan.FromSeconds(10);

    // Npgsql refuses a connect timeout above this many seconds.
    private const int MaxConnectSeconds = 1024;

    // The ways of signing in that use what the source's connection string carries; GSS and SSPI would use Diviora's own
    // Kerberos or Windows identity.
    private static readonly string[] OwnCredentials = ["Password", "MD5", "ScramSHA256", "None"];

    public override string Name => "PostgreSQL";

    /// <summary>Positional: a named parameter would switch Npgsql back to splitting the text.</summary>
    public override string CursorPlaceholder => "$1";

    public override string CursorParameterName => string.Empty;

    public override PreparedConnection Prepare(string connectionString, DatabaseFetchOptions options)
    {
        // Npgsql does not know this keyword (it negotiates Kerberos when the server asks), so it would only say it cannot set it.
        if (SourceCredentials.Has(connectionString, "Integrated Security", "IntegratedSecurity"))
        {
            throw SourceCredentials.Refused("Integrated Security", "signs in as Diviora's own Kerberos or Windows identity");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Username))
        {
            throw new DatabaseFetchException(
                "database.connection must name its user (Username=...): without one, Npgsql signs in as Diviora's own operating system or Kerberos user. A source brings its own credentials.");
        }

        if (builder.Passfile is not null)
        {
            throw SourceCredentials.Refused("Passfile", "reads a password file on Diviora's own machine");
        }

        if (builder.SslCertificate is not null || builder.SslKey is not null)
        {
            throw SourceCredentials.Refused(builder.SslCertificate is not null ? "SSL Certificate" : "SSL Key", "signs in with a certificate file on Diviora's own machine");
        }

        if (builder.RequireAuth is { } required && !required.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .All(mode => OwnCredentials.Contains(mode, StringComparer.Ordinal)))
        {
            throw SourceCredentials.Refused($"Require Auth={required}", $"may sign in as Diviora's own Kerberos or Windows identity; list only {string.Join(", ", OwnCredentials)}");
        }

        builder.RequireAuth ??= string.Join(',', OwnCredentials);
        builder.GssEncryptionMode = GssEncryptionMode.Disable;
        builder.Timeout = Seconds(options.ConnectTimeout, MaxConnectSeconds);
        builder.CommandTimeout = CommandTimeoutSeconds(options.CommandTimeout);
        // An integer array holding a null reads as int?[] instead of failing to read as int[].
        builder.ArrayNullabilityMode = ArrayNullabilityMode.PerInstance;
        return new PreparedConnection(builder, builder.Password);
    }

    public override DbConnection CreateConnection(PreparedConnection prepared) => new NpgsqlConnection(prepared.ConnectionString);

    public override IReadOnlyList<(string Host, int Port)> Servers(DbConnectionStringBuilder builder)
    {
        var npgsql = (NpgsqlConnectionStringBuilder)builder;
        var servers = new List<(string, int)>();
        foreach (var entry in (npgsql.Host ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.StartsWith('/') || entry.StartsWith('@'))
            {
                throw new DatabaseFetchException("database.connection names a Unix socket as its Host: sources connect over TCP to a server the network policy allows.");
            }

            // Npgsql takes host:port (and [v6]:port) in the Host list; a bare host uses Port.
            servers.Add(Network.PrivateEndpoints.SplitHostPort(entry) is ({ } host, { } port) ? (host, port) : (entry.Trim('[', ']'), npgsql.Port));
        }

        return servers.Count > 0 ? servers : throw new DatabaseFetchException("database.connection names no Host.");
    }

    /// <summary>Pins the hosts unless <c>SSL Mode=VerifyFull</c>, which checks the certificate against the host name.</summary>
    public override void Pin(DbConnectionStringBuilder builder, IReadOnlyList<(string Host, int Port, System.Net.IPAddress[] Addresses)> servers)
    {
        var npgsql = (NpgsqlConnectionStringBuilder)builder;
        if (npgsql.SslMode == SslMode.VerifyFull)
        {
            return;
        }

        npgsql.Host = string.Join(',', servers.SelectMany(s => s.Addresses.Select(a =>
            (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString()) + ":" + s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    public override async Task<DbTransaction?> BeginAsync(DbConnection connection, TimeSpan statementTimeout, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var readOnly = connection.CreateCommand();
        readOnly.Transaction = transaction;
        // Both only last until the rollback; so does anything a query sets for the session (set_config(..., false)).
        var milliseconds = ((long)Math.Ceiling(statementTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        readOnly.CommandText = $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {milliseconds}";
        await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return transaction;
    }

    public override void EnsureOneStatement(DbCommand command)
    {
        if (command.Parameters.Count == 0)
        {
            // A parameter the text need not use: it is what puts Npgsql in raw mode. A query that says $1 gets null.
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = DBNull.Value });
        }

        foreach (DbParameter parameter in command.Parameters)
        {
            if (!string.IsNullOrEmpty(parameter.ParameterName))
            {
                throw new InvalidOperationException($"The parameter '{parameter.ParameterName}' has a name: Npgsql would split the command text at semicolons.");
            }
        }
    }

    /// <summary>
    /// Later than the server's <c>statement_timeout</c>, which then cuts the statement off first with its own message
    /// (57014); the driver's is left for a server that stops answering.
    /// </summary>
    public override int CommandTimeoutSeconds(TimeSpan timeout) => Seconds(timeout + ClientMargin);

    public override string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Npgsql reads <c>timestamp with time zone</c> as UTC <see cref="DateTime"/> values, and wants them back so.</summary>
    public override bool IsUtc(string dataTypeName) => dataTypeName is "timestamp with time zone" or "timestamptz";
}
