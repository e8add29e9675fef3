using Aspire.Hosting;
using Diviora.Tests.Platform;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>A platform of its own, whose Api the test stops and starts again.</summary>
public sealed class ApiDownFixture : PlatformFixture;

[CollectionDefinition(Name)]
public sealed class ApiDownCollection : ICollectionFixture<ApiDownFixture>
{
    public const string Name = "api-down";
}

/// <summary>
/// The Api goes away under an open dashboard: pages say so, the circuit and the navigation stay up, and the data
/// comes back by itself when the Api does.
/// </summary>
[Collection(ApiDownCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ApiDownTests(ApiDownFixture platform, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Pages_say_the_api_is_not_answering_and_recover_when_it_is_back()
    {
        var run = await platform.Api.LoadAsync("before-outage", DashboardData.Sales(5));
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/runs");
        var runLink = page.Locator($"a[href='/runs/{run.GetProperty("id").GetString()}']");
        await Assertions.Expect(runLink).ToBeVisibleAsync();

        await platform.App.ResourceCommands.ExecuteCommandAsync("api", "resource-stop");
        try
        {
            var message = page.Locator("[data-testid=api-error]");
            await Assertions.Expect(message).ToContainTextAsync("The Api is not answering", new() { Timeout = 30_000 });

            // The circuit is alive: another page opens through the navigation and says the same.
            await page.GetByRole(AriaRole.Link, new() { Name = "Datasets" }).First.ClickAsync();
            await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Datasets");
            await Assertions.Expect(message).ToContainTextAsync("The Api is not answering", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-testid=page-error]")).ToHaveCountAsync(0);

            // A download says so too, as a problem, not an empty 500.
            using var download = await platform.Web.GetAsync($"/download/runs/{run.GetProperty("id").GetString()}/rejects.csv");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, download.StatusCode);
            Assert.Contains("not answering", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await platform.RunAgainAsync("api", "resource-start", timeout.Token);
        }

        // Back: the list fills in and the message goes, with no reload.
        await Assertions.Expect(page.Locator("[data-testid=dataset-link]", new() { HasTextString = "before-outage" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=api-error]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(session.Errors, e => e.Contains("script", StringComparison.Ordinal));
    }
}
