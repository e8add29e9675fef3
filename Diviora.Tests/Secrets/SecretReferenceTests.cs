using Diviora.Core.Secrets;

namespace Diviora.Tests.Secrets;

/// <summary><c>secret:name</c> references: what is one, what it names, and what text passes through unchanged.</summary>
[Trait("Category", "Unit")]
public sealed class SecretReferenceTests
{
    [Theory]
    [InlineData("secret:crm-token", "crm-token")]
    [InlineData("Secret:ERP_db", "ERP_db")]
    [InlineData("SECRET:a", "a")]
    public void A_reference_names_its_secret(string text, string name)
    {
        Assert.True(SecretReference.IsReference(text));
        Assert.True(SecretReference.TryParse(text, out var parsed));
        Assert.Equal(name, parsed);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("")]
    [InlineData("secrets:crm")]
    [InlineData(" secret:crm")]
    [InlineData("Host=db;Password=secret:crm")]
    public void Other_text_is_no_reference(string text)
    {
        Assert.False(SecretReference.IsReference(text));
        Assert.False(SecretReference.TryParse(text, out _));
    }

    [Theory]
    [InlineData("secret:")]
    [InlineData("secret:1st")]
    [InlineData("secret:has space")]
    [InlineData("secret:a.b")]
    public void A_reference_with_a_bad_name_does_not_parse(string text)
    {
        Assert.True(SecretReference.IsReference(text));
        Assert.False(SecretReference.TryParse(text, out _));
    }

    [Fact]
    public void For_writes_the_reference_and_refuses_a_bad_name()
    {
        Assert.Equal("secret:crm-token", SecretReference.For("crm-token"));
        Assert.Throws<ArgumentException>(() => SecretReference.For("1st"));
    }

    [Fact]
    public async Task Resolving_passes_other_text_through_and_replaces_a_reference_with_its_value()
    {
        var secrets = OneSecret("crm-token", "tok-123");

        Assert.Equal("Bearer abc", (await secrets.ResolveAsync("Bearer abc", CancellationToken.None)).Value);
        Assert.Equal("tok-123", (await secrets.ResolveAsync("secret:crm-token", CancellationToken.None)).Value);
        Assert.Equal("tok-123", (await secrets.ResolveAsync("secret:CRM-Token", CancellationToken.None)).Value);
    }

    [Fact]
    public async Task Resolving_a_missing_secret_names_it_and_says_how_to_store_it()
    {
        var secrets = OneSecret("crm-token", "tok-123");

        var e = await Assert.ThrowsAsync<SecretException>(() => secrets.ResolveAsync("secret:erp-db", CancellationToken.None));

        Assert.Equal("erp-db", e.SecretName);
        Assert.Equal("The secret 'erp-db' (referenced as 'secret:erp-db') does not exist: store it with PUT /api/secrets/erp-db.", e.Message);
    }

    [Fact]
    public async Task Resolving_a_reference_with_a_bad_name_says_what_a_name_must_be()
    {
        var secrets = OneSecret("crm-token", "tok-123");

        var e = await Assert.ThrowsAsync<SecretException>(() => secrets.ResolveAsync("secret:1st token", CancellationToken.None));

        Assert.Equal("'secret:1st token' is not a valid secret reference: after 'secret:' comes a secret name of 1-63 letters, digits, '_' or '-', starting with a letter.", e.Message);
    }

    private static MemorySecretStore OneSecret(string name, string value) => MemorySecretStore.With(new Dictionary<string, string> { [name] = value }, "api.example.com");
}
