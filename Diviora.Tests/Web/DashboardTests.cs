using Diviora.Tests.Platform;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>The dashboard in a real browser against the real platform: pages load clean, an upload lands in the grid.</summary>
[Collection(PlatformCollection.Name)]
public sealed class DashboardTests(PlatformFixture platform, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private readonly List<string> _errors = [];

    public async Task InitializeAsync() =>
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = platform.Web.BaseAddress!.ToString() });

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Theory]
    [InlineData("/", "Datasets")]
    [InlineData("/upload", "Upload")]
    [InlineData("/runs", "Runs")]
    public async Task Each_page_loads_and_turns_interactive_without_errors(string path, string heading)
    {
        var page = await OpenAsync(path);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
        Assert.Empty(_errors);
    }

    [Fact]
    public async Task A_file_uploaded_on_the_upload_page_shows_its_run_and_its_rows()
    {
        var file = Path.Combine(Path.GetTempPath(), $"browser-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "code,city,amount\n08123,Zürich,12.50\n10115,\"Berlin, Mitte\",7\n");
        var page = await OpenAsync("/upload");

        var name = page.GetByRole(AriaRole.Textbox, new() { Name = "Dataset" });
        await name.PressSequentiallyAsync("from-browser");
        await name.PressAsync("Tab");
        await page.Locator("input[type=file]").SetInputFilesAsync(file);

        await Assertions.Expect(page.Locator("[data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=rows-loaded]")).ToHaveTextAsync("2");

        await page.Locator("[data-testid=open-dataset]").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("from-browser");
        var grid = page.Locator("[data-testid=rows]");
        await Assertions.Expect(grid).ToContainTextAsync("08123");
        await Assertions.Expect(grid).ToContainTextAsync("Berlin, Mitte");
        await Assertions.Expect(grid).ToContainTextAsync("Zürich");
        Assert.Empty(_errors);
        File.Delete(file);
    }

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _errors.Add(error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _errors.Add($"{response.Status} {response.Url}");
            }
        };
        await page.GotoAsync(path);
        // A pre-rendered page drops clicks until the Blazor circuit is up.
        await page.Locator("[data-interactive=true]").WaitForAsync();
        return page;
    }
}
