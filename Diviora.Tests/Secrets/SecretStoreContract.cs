using Diviora.Core.Secrets;

namespace Diviora.Tests.Secrets;

/// <summary>
/// What every <see cref="ISecretStore"/> promises, run against each store: the blob store on Azurite and the Key Vault
/// store on an in-memory <c>SecretClient</c>. Names are fresh per test, so stores may be shared.
/// </summary>
public abstract class SecretStoreContract
{
    private readonly string _run = "t" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The store under test.</summary>
    protected abstract ISecretStore Store { get; }

    /// <summary>A name unique to this test, with both separators, so the Key Vault mapping is exercised.</summary>
    protected string Name(string suffix) => $"{_run}-{suffix}";

    protected static SecretHosts Hosts(params string[] entries) =>
        SecretHosts.TryParse(entries, out var hosts, out var error) ? hosts : throw new ArgumentException(error);

    [Fact]
    public async Task A_value_reads_back_with_its_hosts_under_any_case_and_a_second_set_replaces_both()
    {
        var name = Name("Crm_Token");
        await Store.SetAsync(name, "v1-ab12", Hosts("api.example.com"), "ana", CancellationToken.None);
        await Store.SetAsync(name.ToUpperInvariant(), "v2-cd34", Hosts("db.internal:5432", "[::1]:8080"), "bo", CancellationToken.None);

        var read = await Store.TryGetAsync(name.ToLowerInvariant(), CancellationToken.None);

        Assert.Equal("v2-cd34", read?.Value);
        Assert.Equal(["db.internal:5432", "[::1]:8080"], read!.AllowedHosts.Entries);
    }

    [Fact]
    public async Task The_list_names_each_secret_as_last_written_with_who_and_hosts_in_name_order_without_values()
    {
        await Store.SetAsync(Name("b_second"), "value-b", SecretHosts.None, null, CancellationToken.None);
        await Store.SetAsync(Name("A-first"), "value-a", Hosts("api.example.com"), "ana@example.com", CancellationToken.None);

        var mine = (await Store.ListAsync(CancellationToken.None)).Where(e => e.Name.StartsWith(_run, StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.Equal([Name("A-first"), Name("b_second")], mine.Select(e => e.Name));
        Assert.Equal("ana@example.com", mine[0].UpdatedBy);
        Assert.Equal(["api.example.com"], mine[0].AllowedHosts);
        Assert.Equal((null, 0), (mine[1].UpdatedBy, mine[1].AllowedHosts.Count));
        Assert.All(mine, e => Assert.True(e.UpdatedAt > DateTimeOffset.UtcNow.AddMinutes(-5)));
    }

    [Fact]
    public async Task Delete_removes_it_says_false_when_missing_and_the_name_can_be_set_again()
    {
        var name = Name("erp_db");
        await Store.SetAsync(name, "first", SecretHosts.None, "ana", CancellationToken.None);

        Assert.True(await Store.DeleteAsync(name, CancellationToken.None));
        Assert.Null(await Store.TryGetAsync(name, CancellationToken.None));
        Assert.False(await Store.DeleteAsync(name, CancellationToken.None));
        Assert.DoesNotContain(await Store.ListAsync(CancellationToken.None), e => e.Name == name);

        await Store.SetAsync(name, "second", Hosts("db.internal"), "bo", CancellationToken.None);
        Assert.Equal("second", (await Store.TryGetAsync(name, CancellationToken.None))?.Value);
    }

    [Fact]
    public async Task A_missing_secret_is_null_and_bad_names_or_empty_values_are_refused()
    {
        Assert.Null(await Store.TryGetAsync(Name("never"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAsync("1-starts-with-a-digit", "v", SecretHosts.None, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAsync("has.dot", "v", SecretHosts.None, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetAsync(Name("empty"), "", SecretHosts.None, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryGetAsync("bad name", CancellationToken.None));
    }
}
