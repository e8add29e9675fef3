namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The Cosmos DB stand-in from npm (<c>@vercel/cosmosdb-server</c>), run by node over plain http in place of a Cosmos DB
/// account. It keeps its data in memory only: every start begins empty. Its connection string has the shape of a Cosmos
/// key connection string, so <c>.WithReference(documents)</c> hands a service what an account would; the
/// <c>http://</c> endpoint tells the services' client to use Gateway mode and stay on that endpoint.
/// </summary>
public sealed class CosmosStandInResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "http";

    /// <summary>
    /// Base64 of "diviora-local-cosmos-stand-in", not a secret: the stand-in checks no signature, and the client only
    /// needs a key it can decode to sign requests with.
    /// </summary>
    internal const string AccountKey = "ZGl2aW9yYS1sb2NhbC1jb3Ntb3Mtc3RhbmQtaW4=";

    /// <summary>The stand-in's http endpoint, on 127.0.0.1.</summary>
    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"AccountEndpoint=http://{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/;AccountKey={AccountKey};");
}
