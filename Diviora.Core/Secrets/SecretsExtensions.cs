using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Secrets;

/// <summary>Registers the secret store and the Data Protection key ring it needs.</summary>
public static class SecretsExtensions
{
    /// <summary>The Data Protection application name: every Diviora service shares one key ring under it.</summary>
    public const string ApplicationName = "Diviora";

    /// <summary>The setting that puts secrets in Azure Key Vault: the vault's URI (<c>https://{vault}.vault.azure.net/</c>).</summary>
    public const string KeyVaultUriSetting = "Diviora:Secrets:KeyVaultUri";

    /// <summary>The PFX file (path, or the PFX itself in base64) whose certificate encrypts the Data Protection key ring.</summary>
    public const string KeyRingCertificateSetting = "Diviora:Secrets:KeyRingCertificate";

    /// <summary>The password of <see cref="KeyRingCertificateSetting"/>'s PFX.</summary>
    public const string KeyRingCertificatePasswordSetting = "Diviora:Secrets:KeyRingCertificatePassword";

    /// <summary>
    /// Adds <see cref="ISecretStore"/>: on Azure Key Vault when <see cref="KeyVaultUriSetting"/> is configured (reached
    /// with the registered <see cref="TokenCredential"/>, or <see cref="DefaultAzureCredential"/>: the managed identity
    /// in Azure), otherwise on blobs. Data Protection, with its key ring in the <c>dataprotection-keys</c> container, is
    /// added either way (the blob store needs it; Key Vault encrypts by itself). Expects a <see cref="BlobServiceClient"/>.
    /// </summary>
    public static IServiceCollection AddDivioraSecrets(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddSingleton(sp => new BlobKeyRepository(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobKeyRepository.ContainerName)));
        var dataProtection = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (configuration?[KeyRingCertificateSetting] is { Length: > 0 } pfx)
        {
            // New keys are written encrypted to the certificate; keys written before stay readable (they are plain XML),
            // and the certificate is given for decryption too, since Linux has no machine store to find it in.
            var certificate = KeyRingCertificate.Load(pfx, configuration[KeyRingCertificatePasswordSetting]);
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = sp.GetRequiredService<BlobKeyRepository>()));

        var vault = configuration?[KeyVaultUriSetting];
        if (string.IsNullOrWhiteSpace(vault))
        {
            services.AddSingleton<ISecretStore, BlobSecretStore>();
            return services;
        }

        if (!Uri.TryCreate(vault, UriKind.Absolute, out var vaultUri) || vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{KeyVaultUriSetting} is '{vault}', not an https URI such as https://my-vault.vault.azure.net/.");
        }

        services.AddSingleton<ISecretStore>(sp => new KeyVaultSecretStore(
            new SecretClient(vaultUri, sp.GetService<TokenCredential>() ?? new DefaultAzureCredential())));
        return services;
    }
}
