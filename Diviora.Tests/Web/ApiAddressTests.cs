using Diviora.Web.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Diviora.Tests.Web;

/// <summary>
/// The Web reaches the Api over https outside Development, with no silent fallback to http, and refuses to start when it
/// was given only an http address; on a developer's machine http stays.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ApiAddressTests
{
    [Fact]
    public void Development_prefers_https_and_falls_back_to_http()
    {
        var address = ApiAddress.For(Environment(Environments.Development), Configuration(("services:api:http:0", "http://localhost:5180")));

        Assert.Equal(new Uri("https+http://api"), address);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Outside_development_the_address_is_https_only(string environment)
    {
        var address = ApiAddress.For(Environment(environment),
            Configuration(("services:api:https:0", "https://api.internal.example.azurecontainerapps.io"), ("services:api:http:0", "http://api.internal.example.azurecontainerapps.io")));

        Assert.Equal(new Uri("https://api"), address);
    }

    [Fact]
    public void Outside_development_without_configured_addresses_service_discovery_resolves_api_over_https() =>
        Assert.Equal(new Uri("https://api"), ApiAddress.For(Environment(Environments.Production), Configuration()));

    [Theory]
    [InlineData("services:api:http:0", "http://api.internal:8080")]
    [InlineData("services:api:https:0", "http://api.internal:8080")]
    public void Outside_development_an_http_only_api_address_stops_the_start_with_a_clear_message(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ApiAddress.For(Environment(Environments.Production), Configuration((key, value))));

        Assert.Equal(
            "The Web calls the Api over https outside Development (environment 'Production'), but the only Api address it was given is not " +
            $"https: {key} = {value}. Give the Api an https endpoint (services__api__https__0), or run with ASPNETCORE_ENVIRONMENT=Development " +
            "on a developer's machine.", error.Message);
    }

    private static HostingEnvironment Environment(string name) => new() { EnvironmentName = name };

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
