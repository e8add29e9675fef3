using Azure.Storage.Blobs;
using Diviora.Core.Secrets;
using Diviora.Tests.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Secrets;

/// <summary>The secret store contract on the blob store and a real Azurite.</summary>
[Trait("Category", "Platform")]
public sealed class BlobSecretStoreContractTests(AzuriteServer azurite) : SecretStoreContract, IClassFixture<AzuriteServer>, IDisposable
{
    private readonly ServiceProvider _services =
        new ServiceCollection().AddLogging().AddSingleton(new BlobServiceClient(azurite.ConnectionString)).AddDivioraSecrets().BuildServiceProvider();

    protected override ISecretStore Store => _services.GetRequiredService<ISecretStore>();

    public void Dispose() => _services.Dispose();
}
