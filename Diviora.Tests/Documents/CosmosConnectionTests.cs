using Azure.Core;
using Diviora.Core.Documents;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diviora.Tests.Documents;

/// <summary>How a <c>documents</c> connection string becomes a Cosmos client and a registered store.</summary>
[Trait("Category", "Unit")]
public sealed class CosmosConnectionTests
{
    [Fact]
    public void An_http_endpoint_is_the_stand_in_reached_in_gateway_mode_on_that_endpoint_only()
    {
        using var client = CosmosConnection.CreateClient("AccountEndpoint=http://127.0.0.1:8081/;AccountKey=ZGl2aW9yYS1sb2NhbC1jb3Ntb3Mtc3RhbmQtaW4=;");

        Assert.Equal(new Uri("http://127.0.0.1:8081/"), client.Endpoint);
        Assert.Equal(ConnectionMode.Gateway, client.ClientOptions.ConnectionMode);
        Assert.True(client.ClientOptions.LimitToEndpoint);
        Assert.NotNull(client.ClientOptions.UseSystemTextJsonSerializerWithOptions);
    }

    [Fact]
    public void An_account_endpoint_uri_uses_the_credential_and_direct_mode()
    {
        using var client = CosmosConnection.CreateClient("https://acct.documents.azure.com:443/", new UnusedCredential());

        Assert.Equal(new Uri("https://acct.documents.azure.com:443/"), client.Endpoint);
        Assert.Equal(ConnectionMode.Direct, client.ClientOptions.ConnectionMode);
        Assert.False(client.ClientOptions.LimitToEndpoint);
    }

    [Theory]
    [InlineData("AccountKey=ZGl2aW9yYQ==;", "AccountEndpoint")]
    [InlineData("AccountEndpoint=https://acct.documents.azure.com:443/;AccountKey=not base64!;", "not base64")]
    public void A_malformed_connection_string_says_which_part_is_wrong(string connectionString, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CosmosConnection.CreateClient(connectionString));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_documents_connection_string_no_store_is_registered()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        builder.AddDivioraDocuments();

        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(IDocumentStore));
    }

    [Fact]
    public void A_documents_connection_string_registers_the_cosmos_store()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:documents"] = "AccountEndpoint=http://127.0.0.1:8081/;AccountKey=ZGl2aW9yYQ==;";

        builder.AddDivioraDocuments();
        using var services = builder.Services.BuildServiceProvider();

        Assert.IsType<CosmosDocumentStore>(services.GetRequiredService<IDocumentStore>());
    }

    private sealed class UnusedCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("unused", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
