using Diviora.Core.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Secrets;

/// <summary>The secret store contract on the Key Vault store, and what only Key Vault needs: name mapping, tags, soft delete.</summary>
[Trait("Category", "Unit")]
public sealed class KeyVaultSecretStoreTests : SecretStoreContract
{
    private readonly InMemorySecretClient _vault = new();

    public KeyVaultSecretStoreTests() => Store = new KeyVaultSecretStore(_vault);

    protected override ISecretStore Store { get; }

    [Theory]
    [InlineData("crm-token", "diviora-crm--token")]
    [InlineData("erp_db", "diviora-erp-0db")]
    [InlineData("A-0", "diviora-a--0")]
    [InlineData("a_0", "diviora-a-00")]
    [InlineData("CRM", "diviora-crm")]
    public void Names_map_to_key_vault_names_one_to_one_and_back(string name, string vaultName)
    {
        Assert.Equal(vaultName, KeyVaultSecretName.From(name));
        Assert.Equal(name.ToLowerInvariant(), KeyVaultSecretName.ToName(vaultName));
        Assert.Matches("^[0-9a-zA-Z-]{1,127}$", vaultName);
    }

    [Theory]
    [InlineData("other-secret")]
    [InlineData("diviora-bad-xname")]
    [InlineData("diviora-trailing-")]
    [InlineData("diviora-")]
    public void Vault_names_that_are_not_the_stores_map_to_nothing(string vaultName) =>
        Assert.Null(KeyVaultSecretName.ToName(vaultName));

    [Fact]
    public void A_name_too_long_for_key_vault_once_mapped_is_refused_with_the_limit()
    {
        var name = "a" + new string('_', 62);

        var error = Assert.Throws<ArgumentException>(() => KeyVaultSecretName.From(name));

        Assert.Contains("the limit is 127", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_value_is_the_secret_and_name_author_and_hosts_are_tags()
    {
        await Store.SetAsync("CRM_Token", "tok-9f", Hosts("api.example.com", "db.internal:5432"), "ana@example.com", CancellationToken.None);

        var stored = _vault.Active["diviora-crm-0token"];
        Assert.Equal("tok-9f", stored.Value);
        Assert.Equal("CRM_Token", stored.Properties.Tags[KeyVaultSecretStore.NameTag]);
        Assert.Equal("ana@example.com", stored.Properties.Tags[KeyVaultSecretStore.UpdatedByTag]);
        Assert.Equal("api.example.com,db.internal:5432", stored.Properties.Tags[KeyVaultSecretStore.HostsTagPrefix + "0"]);
        Assert.All(stored.Properties.Tags.Values, v => Assert.True(v.Length <= 256));
    }

    [Fact]
    public async Task Hosts_longer_than_one_tag_are_split_and_read_back_whole()
    {
        var many = Enumerable.Range(1, 20).Select(i => $"host-{i:00}.{new string('x', 40)}.partner.example.com").ToArray();

        await Store.SetAsync("many-hosts", "v", Hosts(many), null, CancellationToken.None);

        var tags = _vault.Active["diviora-many--hosts"].Properties.Tags;
        Assert.True(tags.Count(t => t.Key.StartsWith(KeyVaultSecretStore.HostsTagPrefix, StringComparison.Ordinal)) > 1);
        Assert.All(tags.Values, v => Assert.True(v.Length <= 256));
        Assert.Equal(many, (await Store.TryGetAsync("many-hosts", CancellationToken.None))!.AllowedHosts.Entries);
        Assert.Equal(many, (await Store.ListAsync(CancellationToken.None)).Single().AllowedHosts);
    }

    [Fact]
    public async Task Hosts_beyond_what_tags_hold_and_values_beyond_key_vaults_limit_are_refused_clearly()
    {
        var huge = Enumerable.Range(1, 20).Select(i => $"h{i:00}." + string.Join('.', Enumerable.Repeat(new string('x', 60), 4))).ToArray();

        var hosts = await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAsync("huge", "v", Hosts(huge), null, CancellationToken.None));
        var value = await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAsync("big", new string('v', 25 * 1024 + 1), SecretHosts.None, null, CancellationToken.None));

        Assert.Contains("Key Vault tags hold at most", hosts.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 25,600 (Key Vault's)", value.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('v', 100), value.Message, StringComparison.Ordinal);
        Assert.Empty(_vault.Active);
    }

    [Fact]
    public async Task A_set_after_a_soft_delete_recovers_the_deleted_secret_and_overwrites_it()
    {
        await Store.SetAsync("erp-db", "old", SecretHosts.None, "ana", CancellationToken.None);
        await Store.DeleteAsync("erp-db", CancellationToken.None);

        await Store.SetAsync("erp-db", "new", Hosts("db.internal"), "bo", CancellationToken.None);

        Assert.Equal(["set:diviora-erp--db", "delete:diviora-erp--db", "set:diviora-erp--db", "recover:diviora-erp--db", "set:diviora-erp--db"], _vault.Calls);
        var read = await Store.TryGetAsync("ERP-DB", CancellationToken.None);
        Assert.Equal("new", read?.Value);
        Assert.Equal(["db.internal"], read!.AllowedHosts.Entries);
    }

    [Fact]
    public async Task Other_secrets_in_the_vault_are_not_listed()
    {
        _vault.AddForeign("sql-admin-password");
        _vault.AddForeign("diviora-cert", managed: true);
        await Store.SetAsync("mine", "v", SecretHosts.None, null, CancellationToken.None);

        Assert.Equal(["mine"], (await Store.ListAsync(CancellationToken.None)).Select(e => e.Name));
    }

    [Theory]
    [InlineData(null, typeof(BlobSecretStore))]
    [InlineData("https://kv-diviora.vault.azure.net/", typeof(KeyVaultSecretStore))]
    public void The_store_is_picked_by_configuration(string? vaultUri, Type expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SecretsExtensions.KeyVaultUriSetting] = vaultUri }).Build();
        using var services = new ServiceCollection().AddLogging()
            .AddSingleton(new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true")).AddDivioraSecrets(configuration).BuildServiceProvider();

        // Building the client contacts nothing: Key Vault is reached on the first call only.
        Assert.IsType(expected, services.GetRequiredService<ISecretStore>());
    }

    [Fact]
    public void A_key_vault_uri_that_is_not_https_fails_the_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SecretsExtensions.KeyVaultUriSetting] = "kv-diviora" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddDivioraSecrets(configuration));

        Assert.Contains("Diviora:Secrets:KeyVaultUri is 'kv-diviora'", error.Message, StringComparison.Ordinal);
    }
}
