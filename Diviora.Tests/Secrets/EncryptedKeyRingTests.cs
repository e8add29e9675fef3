using System.Text;
using Azure.Storage.Blobs;
using Diviora.Core.Secrets;
using Diviora.Tests.Engine;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Secrets;

/// <summary>The key ring in the <c>dataprotection-keys</c> container encrypted to a certificate, on an Azurite of its own.</summary>
[Trait("Category", "Platform")]
public sealed class EncryptedKeyRingTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    [Fact]
    public async Task New_keys_are_encrypted_old_plain_keys_still_read_and_without_the_certificate_nothing_new_decrypts()
    {
        const string Password = "pfx-pass-71c2";
        var pfx = Convert.ToBase64String(KeyRingCertificate.CreatePfx(Password));
        var keys = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(BlobKeyRepository.ContainerName);

        // Before: a plain key, as every key ring written so far.
        await using (var plain = Instance(null, null))
        {
            await plain.GetRequiredService<ISecretStore>().SetAsync("old-secret", "old-value-3a", SecretHosts.None, "test", CancellationToken.None);
        }

        var before = await KeyTextsAsync(keys);
        Assert.All(before.Values, xml => Assert.Contains("<masterKey", xml, StringComparison.Ordinal));

        await using (var encrypted = Instance(pfx, Password))
        {
            encrypted.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
            var secrets = encrypted.GetRequiredService<ISecretStore>();
            await secrets.SetAsync("new-secret", "new-value-8d", SecretHosts.None, "test", CancellationToken.None);
            Assert.Equal("old-value-3a", (await secrets.TryGetAsync("old-secret", CancellationToken.None))?.Value);
        }

        var added = (await KeyTextsAsync(keys)).Where(k => !before.ContainsKey(k.Key)).Select(k => k.Value).ToList();
        var xml = Assert.Single(added);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);

        await using (var again = Instance(pfx, Password))
        {
            Assert.Equal("new-value-8d", (await again.GetRequiredService<ISecretStore>().TryGetAsync("new-secret", CancellationToken.None))?.Value);
        }

        await using var without = Instance(null, null);
        await Assert.ThrowsAsync<SecretException>(() => without.GetRequiredService<ISecretStore>().TryGetAsync("new-secret", CancellationToken.None));
    }

    [Fact]
    public void A_wrong_password_fails_the_start_naming_the_settings()
    {
        var pfx = Convert.ToBase64String(KeyRingCertificate.CreatePfx("right"));

        var error = Assert.Throws<InvalidOperationException>(() => Instance(pfx, "wrong"));

        Assert.Contains(SecretsExtensions.KeyRingCertificatePasswordSetting, error.Message, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, string>> KeyTextsAsync(BlobContainerClient keys)
    {
        var texts = new Dictionary<string, string>();
        await foreach (var blob in keys.GetBlobsAsync())
        {
            texts[blob.Name] = Encoding.UTF8.GetString((await keys.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content);
        }

        return texts;
    }

    private ServiceProvider Instance(string? pfx, string? password)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SecretsExtensions.KeyRingCertificateSetting] = pfx,
            [SecretsExtensions.KeyRingCertificatePasswordSetting] = password,
        }).Build();
        return new ServiceCollection().AddLogging().AddSingleton(new BlobServiceClient(azurite.ConnectionString)).AddDivioraSecrets(configuration).BuildServiceProvider();
    }
}
