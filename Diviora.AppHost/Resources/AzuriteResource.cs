namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Azurite, the Azure Storage emulator from npm, run as a local executable in place of a Storage account.
/// Its connection string carries the blob and queue endpoints, so <c>.WithReference(storage)</c> hands a service
/// what an Azure Storage account would.
/// </summary>
public sealed class AzuriteResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string BlobEndpointName = "blob";
    internal const string QueueEndpointName = "queue";

    /// <summary>The blob service endpoint.</summary>
    public EndpointReference BlobEndpoint => new(this, BlobEndpointName);

    /// <summary>The queue service endpoint.</summary>
    public EndpointReference QueueEndpoint => new(this, QueueEndpointName);

    /// <summary>
    /// The well-known development account of every Azure Storage emulator (not a secret). Endpoints use the IPv4
    /// address, not "localhost": the Azure SDKs read the account from the path only for IP hosts.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://{BlobEndpoint.Property(EndpointProperty.IPV4Host)}:{BlobEndpoint.Property(EndpointProperty.Port)}/devstoreaccount1;QueueEndpoint=http://{QueueEndpoint.Property(EndpointProperty.IPV4Host)}:{QueueEndpoint.Property(EndpointProperty.Port)}/devstoreaccount1;");
}
