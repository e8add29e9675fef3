using Diviora.Core.Sources;

namespace Diviora.Tests.Sources;

/// <summary>
/// A REST source's URL carries no credential in its query, as in its user-info part: such a URL is stored, listed and
/// shown with the source, so the key would be readable by every Reader. The refusal names the parameter, never its value.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RestUrlCredentialTests
{
    private const string Value = "k3y-V4lue-that-must-not-show";

    [Theory]
    [InlineData("api_key")]
    [InlineData("apikey")]
    [InlineData("ApiKey")]
    [InlineData("API-KEY")]
    [InlineData("key")]
    [InlineData("token")]
    [InlineData("access_token")]
    [InlineData("accessToken")]
    [InlineData("password")]
    [InlineData("pwd")]
    [InlineData("secret")]
    [InlineData("client_secret")]
    [InlineData("sig")]
    [InlineData("signature")]
    [InlineData("auth")]
    [InlineData("subscription-key")]
    [InlineData("api%5Fkey")]
    public void A_query_parameter_named_like_a_credential_is_refused_naming_it_and_not_its_value(string name)
    {
        var error = Rest($"https://crm.example.com/api/customers?active=true&{name}={Value}&page=1").Validate();

        Assert.NotNull(error);
        Assert.StartsWith($"rest.url: the query parameter '{Uri.UnescapeDataString(name)}' carries a credential", error, StringComparison.Ordinal);
        Assert.Contains("header whose value is a secret reference", error, StringComparison.Ordinal);
        Assert.Contains("'secret:NAME'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://crm.example.com/api/customers?active=true&page=2&per_page=100")]
    [InlineData("https://crm.example.com/api/customers?pageToken=abc&sortKey=name&monkey=1&keyword=x")]
    [InlineData("https://crm.example.com/api/customers?q=token%3Dabc")]
    [InlineData("https://crm.example.com/api/customers")]
    public void Ordinary_query_parameters_pass(string url) => Assert.Null(Rest(url).Validate());

    [Fact]
    public void A_url_that_does_not_parse_is_refused_without_its_query()
    {
        var error = Rest($"crm.example.com/api?api_key={Value}").Validate();

        Assert.Equal("rest.url 'crm.example.com/api' is not an absolute http or https URL.", error);
    }

    [Fact]
    public void The_user_info_part_is_still_refused() =>
        Assert.StartsWith("rest.url must not hold a user name or password", Rest($"https://me:{Value}@crm.example.com/x").Validate(), StringComparison.Ordinal);

    private static RestSettings Rest(string url) => new() { Url = url };
}
