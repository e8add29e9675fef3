using Aspire.Hosting.Testing;
using System.Net;

namespace Diviora.Tests.Platform;

[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class HealthTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("api", "/health")]
    [InlineData("api", "/alive")]
    [InlineData("worker", "/health")]
    [InlineData("web", "/health")]
    public async Task Every_service_answers_its_health_endpoints(string resource, string path)
    {
        using var client = platform.App.CreateHttpClient(resource);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/", "Datasets")]
    [InlineData("/upload", "Upload")]
    [InlineData("/runs", "Runs")]
    public async Task The_web_pages_render(string path, string heading)
    {
        var html = await platform.Web.GetStringAsync(path);

        Assert.Contains($"<h1", html, StringComparison.Ordinal);
        Assert.Contains(heading, html, StringComparison.Ordinal);
    }
}
