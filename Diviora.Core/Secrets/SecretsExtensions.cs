using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Secrets;

/// <summary>Registers the secret store and the Data Protection key ring it needs.</summary>
public static class SecretsExtensions
{
    /// <summary>The Data Protection application name: every Diviora service shares one key ring under it.</summary>
    public const string ApplicationName = "Diviora";

    /// <summary>
    /// Adds <see cref="ISecretStore"/> on blobs and Data Protection with its key ring in the
    /// <c>dataprotection-keys</c> container. Expects a <see cref="BlobServiceClient"/> to be registered.
    /// </summary>
    public static IServiceCollection AddDivioraSecrets(this IServiceCollection services)
    {
        services.AddSingleton(sp => new BlobKeyRepository(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobKeyRepository.ContainerName)));
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = sp.GetRequiredService<BlobKeyRepository>()));
        services.AddSingleton<ISecretStore, BlobSecretStore>();
        return services;
    }
}
