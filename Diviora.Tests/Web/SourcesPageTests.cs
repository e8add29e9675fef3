using System.Net.Http.Json;
using System.Text.Json;
using Diviora.Tests.Infrastructure;
using Diviora.Tests.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>
/// The Sources pages in Chromium against the whole platform: a REST source defined, tested, saved and run through the
/// form against a small HTTP server of the test's own; a refused definition; a secret that never comes back to the page.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SourcesPageTests(PlatformFixture platform, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] RecordColumns = ["id", "name"];

    [Fact]
    public async Task A_rest_source_is_tested_saved_and_run_from_the_form_and_its_rows_reach_the_dataset()
    {
        await using var server = await RecordsServer.StartAsync("web-rest-key-value");
        using (var secret = await platform.Api.PutSecretAsync("web-rest-key", "web-rest-key-value"))
        {
            secret.EnsureSuccessStatusCode();
        }

        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/sources/new");

        await FillAsync(page, "source-name", "web-rest");
        await FillAsync(page, "source-dataset", "web-rest-rows");
        await FillAsync(page, "rest-url", server.Url + "/customers");
        await page.Locator("[data-testid=header-add]").ClickAsync();
        await FillAsync(page, "header-name", "X-Api-Key");
        await FillAsync(page, "header-value", "secret:web-rest-key");
        await FillAsync(page, "rest-records-path", "$.data");

        await page.Locator("[data-testid=test-source]").ClickAsync();
        var records = page.Locator("[data-testid=test-records]");
        await Assertions.Expect(records.Locator("th")).ToHaveTextAsync(RecordColumns);
        await Assertions.Expect(records.Locator("tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(records).ToContainTextAsync("carol");

        await page.Locator("[data-testid=save-source]").ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("web-rest");
        await Assertions.Expect(page.Locator("[data-testid=source-facts]")).ToContainTextAsync("web-rest-rows");

        await page.Locator("[data-testid=run-now]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-started]")).ToBeVisibleAsync();
        var status = page.Locator("[data-testid=source-facts] [data-testid=run-status]");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("^(Succeeded|Failed)$"), new() { Timeout = 60_000 });
        if (await status.GetAttributeAsync("data-status") == "Failed")
        {
            Assert.Fail("The run failed: " + await page.Locator("[data-testid=source-facts] [data-testid=source-last-error]").TextContentAsync());
        }

        // The recent runs on the page, and the rows in the dataset, as the Api has them.
        await Assertions.Expect(page.Locator("[data-testid=runs] [data-status=Succeeded]")).ToHaveCountAsync(1);
        var dataset = await platform.Api.GetFromJsonAsync<JsonElement>("/api/datasets/web-rest-rows");
        Assert.Equal(3, dataset.GetProperty("rowCount").GetInt64());
        var rows = await platform.Api.GetStringAsync("/api/datasets/web-rest-rows/rows?orderBy=id");
        Assert.Contains("\"alice\"", rows, StringComparison.Ordinal);
        Assert.Contains("\"carol\"", rows, StringComparison.Ordinal);
        Assert.All(server.Keys, key => Assert.Equal("web-rest-key-value", key));

        // The run's page says which source it came from.
        await page.Locator("[data-testid=run-started]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-source]")).ToHaveTextAsync("web-rest");
        await Assertions.Expect(page.Locator("[data-testid=rows-loaded]")).ToHaveTextAsync("3");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_credential_written_into_a_header_is_refused_with_the_Apis_message_naming_the_header()
    {
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/sources/new");

        await FillAsync(page, "source-name", "web-bad");
        await FillAsync(page, "source-dataset", "web-bad");
        await FillAsync(page, "rest-url", "https://crm.example.com/api");
        await page.Locator("[data-testid=header-add]").ClickAsync();
        await FillAsync(page, "header-name", "Authorization");
        await FillAsync(page, "header-value", "Bearer x");
        await page.Locator("[data-testid=save-source]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=api-error]"))
            .ToContainTextAsync("rest.headers['Authorization'] carries credentials, so its value must be a secret reference");
        await Assertions.Expect(page.Locator("[data-testid=header-value]")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("New source");
        using var notCreated = await platform.Api.GetAsync("/api/sources/web-bad");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notCreated.StatusCode);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_secret_set_in_the_panel_is_listed_by_name_and_its_value_never_reaches_the_page()
    {
        var value = "web-secret-" + Guid.NewGuid().ToString("N");
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/sources");

        await page.Locator("[data-testid=secret-name]").FillAsync("web-panel");
        await page.Locator("[data-testid=secret-value]").FillAsync(value);
        await page.Locator("[data-testid=secret-hosts]").FillAsync("api.example.com, 127.0.0.1:8443");
        await page.Locator("[data-testid=save-secret]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=secret-saved]")).ToContainTextAsync("secret:web-panel");
        await Assertions.Expect(page.Locator("[data-testid=secret][data-name=web-panel]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=secret][data-name=web-panel] [data-testid=secret-allowed-hosts]")).ToHaveTextAsync("api.example.com, 127.0.0.1:8443");
        await Assertions.Expect(page.Locator("[data-testid=secret-value]")).ToHaveValueAsync("");
        Assert.Equal("password", await page.Locator("[data-testid=secret-value]").GetAttributeAsync("type"));
        Assert.DoesNotContain(value, await page.ContentAsync(), StringComparison.Ordinal);

        var again = await session.OpenAsync("/sources");
        await Assertions.Expect(again.Locator("[data-testid=secret][data-name=web-panel]")).ToBeVisibleAsync();
        Assert.DoesNotContain(value, await again.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains("\"web-panel\"", await platform.Api.GetStringAsync("/api/secrets"), StringComparison.Ordinal);
        Assert.Empty(session.Errors);
    }

    /// <summary>Types into a field and leaves it, as a person does: the form takes a value when the field is left.</summary>
    private static async Task FillAsync(IPage page, string testId, string value)
    {
        var field = page.Locator($"[data-testid={testId}]").Last;
        await field.FillAsync(value);
        await field.PressAsync("Tab");
        await Assertions.Expect(field).ToHaveValueAsync(value);
    }

    /// <summary>
    /// Kestrel on 127.0.0.1 and a free port, serving three customers at <c>/customers</c> as <c>{"data":[...]}</c>
    /// to requests that carry the expected <c>X-Api-Key</c>; the Api and the Worker run on this machine and reach it.
    /// </summary>
    private sealed class RecordsServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RecordsServer(WebApplication app) => _app = app;

        public string Url => _app.Urls.First();

        /// <summary>The key each request carried.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Keys { get; } = new();

        public static async Task<RecordsServer> StartAsync(string key)
        {
            var app = LocalWebApp.Create();
            var server = new RecordsServer(app);
            app.MapGet("/customers", (HttpRequest request) =>
            {
                var sent = request.Headers["X-Api-Key"].ToString();
                server.Keys.Enqueue(sent);
                return sent == key
                    ? Results.Text("""{"data":[{"id":1,"name":"alice"},{"id":2,"name":"bob"},{"id":3,"name":"carol"}]}""", "application/json")
                    : Results.StatusCode(401);
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
