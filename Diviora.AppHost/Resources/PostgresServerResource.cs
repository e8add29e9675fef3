namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server from the machine's own binaries, run as a local executable in place of Azure Database for
/// PostgreSQL. Its connection string names the <c>diviora</c> database, which the warehouse's migrations create.
/// </summary>
public sealed class PostgresServerResource(string name, string command, string clusterDirectory, ParameterResource password)
    : ExecutableResource(name, command, clusterDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>The superuser that initdb creates and the services connect as.</summary>
    public const string UserName = "postgres";

    /// <summary>The database the connection string names.</summary>
    public const string DatabaseName = "diviora";

    /// <summary>The server's TCP endpoint, on 127.0.0.1.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>The cluster's data directory (what initdb fills and <c>postgres -D</c> serves).</summary>
    public string ClusterDirectory { get; } = clusterDirectory;

    /// <summary>The superuser's password, generated once and kept in the local data folder.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter};Database={DatabaseName}");
}
