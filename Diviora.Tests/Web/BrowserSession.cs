using Diviora.Tests.Platform;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>
/// A browser context on the platform's Web at one window size and colour scheme, which records what a person would
/// notice went wrong: console errors, uncaught script errors and failed requests.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private BrowserSession(IBrowserContext context) => _context = context;

    /// <summary>Everything that went wrong on the pages opened so far.</summary>
    public List<string> Errors { get; } = [];

    public static async Task<BrowserSession> StartAsync(
        BrowserFixture browser, PlatformFixture platform, int width = 1280, int height = 900, ColorScheme scheme = ColorScheme.Light, string? timeZone = null,
        string? user = "admin")
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = platform.Web.BaseAddress!.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            AcceptDownloads = true,
            TimezoneId = timeZone,
        });
        context.SetDefaultTimeout(30_000);
        var session = new BrowserSession(context);
        if (user is not null)
        {
            await session.SignInAsync(user);
        }

        return session;
    }

    /// <summary>
    /// Signs <paramref name="user"/> in as a person does: the Web sends the browser to the local provider's login page,
    /// which takes the account and password and sends it back. The context keeps the session cookie.
    /// </summary>
    private async Task SignInAsync(string user)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(user);
        await page.Locator("#password").FillAsync(LocalIdentity.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.CloseAsync();
    }

    /// <summary>Opens a page and waits until the Blazor circuit is up (a pre-rendered page drops early clicks).</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await _context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"{path}: console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Errors.Add($"{path}: script: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Errors.Add($"{path}: {response.Status} {response.Url}");
            }
        };
        await page.GotoAsync(path);
        await page.Locator("[data-interactive=true]").WaitForAsync();
        return page;
    }

    /// <summary>A new page, for tests that follow redirects themselves (sign-in, sign-out).</summary>
    public Task<IPage> NewPageAsync() => _context.NewPageAsync();

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
