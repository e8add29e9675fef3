using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Diviora.Core.Secrets;
using Diviora.Tests.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Secrets;

/// <summary>
/// The secret store and its Data Protection key ring on a real Azurite. Each "instance" is a fresh DI container,
/// as a restarted or second Api or Worker would be: all it shares with the others is the storage account.
/// </summary>
[Trait("Category", "Platform")]
public sealed class BlobSecretStoreTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    [Fact]
    public async Task The_stored_blob_is_not_the_plaintext_and_reads_back()
    {
        const string Value = "plain-token-5f1c9a";
        await using var services = Instance();
        var secrets = services.GetRequiredService<ISecretStore>();

        await secrets.SetAsync("crm-token", Value, SecretHosts.None, "test", CancellationToken.None);

        var stored = (await Blobs().GetBlobContainerClient(BlobSecretStore.ContainerName).GetBlobClient("crm-token").DownloadContentAsync()).Value.Content.ToArray();
        Assert.NotEmpty(stored);
        Assert.DoesNotContain(Value, Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(Value, Encoding.Latin1.GetString(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Value)), Encoding.Latin1.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(Value, (await secrets.TryGetAsync("crm-token", CancellationToken.None))?.Value);
    }

    [Fact]
    public async Task A_second_instance_decrypts_with_the_key_ring_kept_in_blob_storage()
    {
        const string Value = "Host=db;Password=p@ss-2b7e";
        await using (var first = Instance())
        {
            await first.GetRequiredService<ISecretStore>().SetAsync("erp-db", Value, SecretHosts.None, "test", CancellationToken.None);
        }

        await using var second = Instance();

        Assert.Equal(Value, (await second.GetRequiredService<ISecretStore>().TryGetAsync("erp-db", CancellationToken.None))?.Value);
        var keys = Blobs().GetBlobContainerClient(BlobKeyRepository.ContainerName);
        var names = new List<string>();
        await foreach (var blob in keys.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches("^key-[0-9a-f-]{36}\\.xml$", name));
    }

    [Fact]
    public async Task Without_the_key_ring_blobs_a_value_cannot_be_read_and_the_error_names_the_secret_only()
    {
        const string Value = "only-with-the-key-91d3";
        await using (var first = Instance())
        {
            await first.GetRequiredService<ISecretStore>().SetAsync("keyed", Value, SecretHosts.None, "test", CancellationToken.None);
        }

        // Take the key ring away, as a new storage account would; a fresh instance then has only a new key.
        var keys = Blobs().GetBlobContainerClient(BlobKeyRepository.ContainerName);
        var saved = new Dictionary<string, BinaryData>();
        await foreach (var blob in keys.GetBlobsAsync())
        {
            saved[blob.Name] = (await keys.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            await keys.DeleteBlobAsync(blob.Name);
        }

        SecretException refused;
        await using (var withoutKeys = Instance())
        {
            refused = await Assert.ThrowsAsync<SecretException>(() => withoutKeys.GetRequiredService<ISecretStore>().TryGetAsync("keyed", CancellationToken.None));
        }

        foreach (var (name, content) in saved)
        {
            await keys.UploadBlobAsync(name, content);
        }

        await using var restored = Instance();

        Assert.Equal("keyed", refused.SecretName);
        Assert.StartsWith("The secret 'keyed' cannot be decrypted: its key is not in the key ring (container 'dataprotection-keys')", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(Value, (await restored.GetRequiredService<ISecretStore>().TryGetAsync("keyed", CancellationToken.None))?.Value);
    }

    [Fact]
    public async Task Names_ignore_case_a_second_set_replaces_the_value_and_delete_removes_it()
    {
        await using var services = Instance();
        var secrets = services.GetRequiredService<ISecretStore>();
        await secrets.SetAsync("Api-Key", "first", SecretHosts.None, "test", CancellationToken.None);
        var firstTime = Assert.Single(await secrets.ListAsync(CancellationToken.None), s => s.Name.Equals("api-key", StringComparison.OrdinalIgnoreCase)).UpdatedAt;
        await Task.Delay(1100);

        await secrets.SetAsync("API-KEY", "second", SecretHosts.None, "test", CancellationToken.None);

        var entry = Assert.Single(await secrets.ListAsync(CancellationToken.None), s => s.Name.Equals("api-key", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("API-KEY", entry.Name);
        Assert.True(entry.UpdatedAt > firstTime, $"{entry.UpdatedAt:O} should be after {firstTime:O}");
        Assert.Equal("second", (await secrets.TryGetAsync("api-key", CancellationToken.None))?.Value);
        Assert.True(await secrets.DeleteAsync("api-key", CancellationToken.None));
        Assert.False(await secrets.DeleteAsync("Api-Key", CancellationToken.None));
        Assert.Null(await secrets.TryGetAsync("Api-Key", CancellationToken.None));
        Assert.DoesNotContain(await secrets.ListAsync(CancellationToken.None), s => s.Name.Equals("api-key", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_value_copied_into_another_secrets_blob_does_not_decrypt_there()
    {
        await using var services = Instance();
        var secrets = services.GetRequiredService<ISecretStore>();
        await secrets.SetAsync("source-a", "value-of-a-77", SecretHosts.None, "test", CancellationToken.None);
        await secrets.SetAsync("source-b", "value-of-b-88", SecretHosts.None, "test", CancellationToken.None);
        var container = Blobs().GetBlobContainerClient(BlobSecretStore.ContainerName);

        await container.GetBlobClient("source-b").UploadAsync((await container.GetBlobClient("source-a").DownloadContentAsync()).Value.Content, overwrite: true);

        var e = await Assert.ThrowsAsync<SecretException>(() => secrets.TryGetAsync("source-b", CancellationToken.None));
        Assert.DoesNotContain("value-of", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reference_to_a_missing_secret_is_a_clear_error_and_a_stored_one_resolves()
    {
        await using var services = Instance();
        var secrets = services.GetRequiredService<ISecretStore>();
        await secrets.SetAsync("warehouse-password", "pw-42", SecretHosts.None, "test", CancellationToken.None);

        var e = await Assert.ThrowsAsync<SecretException>(() => secrets.ResolveAsync("secret:never-stored", CancellationToken.None));

        Assert.Equal("The secret 'never-stored' (referenced as 'secret:never-stored') does not exist: store it with PUT /api/secrets/never-stored.", e.Message);
        Assert.Equal("pw-42", (await secrets.ResolveAsync("secret:warehouse-password", CancellationToken.None)).Value);
    }

    [Fact]
    public async Task An_empty_or_oversized_value_or_a_bad_name_is_refused_without_quoting_the_value()
    {
        await using var services = Instance();
        var secrets = services.GetRequiredService<ISecretStore>();
        var big = "x-" + new string('v', ISecretStore.MaxValueBytes);

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => secrets.SetAsync("empty", "", SecretHosts.None, "test", CancellationToken.None));
        var tooBig = await Assert.ThrowsAsync<ArgumentException>(() => secrets.SetAsync("big", big, SecretHosts.None, "test", CancellationToken.None));
        var badName = await Assert.ThrowsAsync<ArgumentException>(() => secrets.SetAsync("1st", "v-31", SecretHosts.None, "test", CancellationToken.None));

        Assert.StartsWith("The value of secret 'empty' is empty.", empty.Message, StringComparison.Ordinal);
        Assert.StartsWith("The value of secret 'big' has 65,538 bytes of UTF-8; the limit is 65,536.", tooBig.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vvvv", tooBig.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("'1st' is not a valid secret name", badName.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("v-31", badName.ToString(), StringComparison.Ordinal);
        Assert.Null(await secrets.TryGetAsync("big", CancellationToken.None));
    }

    [Fact]
    public void The_key_repository_keeps_one_blob_per_element_and_never_overwrites_one()
    {
        var container = Blobs().GetBlobContainerClient("keys-" + Guid.NewGuid().ToString("N")[..12]);
        var repository = new BlobKeyRepository(container);
        var first = new XElement("key", new XAttribute("id", "1"), new XElement("data", "one"));
        var second = new XElement("revocation", new XElement("reason", "test"));

        Assert.Empty(repository.GetAllElements());
        repository.StoreElement(first, "key-1");
        repository.StoreElement(second, "revocation-2024/01:01");

        var elements = repository.GetAllElements();
        Assert.Equal(["key-1.xml", "revocation-2024_01_01.xml"], container.GetBlobs().Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, elements.Count);
        Assert.Contains(elements, e => XNode.DeepEquals(e, first));
        Assert.Contains(elements, e => XNode.DeepEquals(e, second));
        Assert.Equal(409, Assert.Throws<RequestFailedException>(() => repository.StoreElement(new XElement("key"), "key-1")).Status);
    }

    private BlobServiceClient Blobs() => new(azurite.ConnectionString);

    private ServiceProvider Instance() =>
        new ServiceCollection().AddLogging().AddSingleton(Blobs()).AddDivioraSecrets().BuildServiceProvider();
}
