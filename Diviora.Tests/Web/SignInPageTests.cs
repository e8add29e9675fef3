using Diviora.Tests.Platform;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>
/// Signing in and out in Chromium, through the local provider's real login page: a stranger is sent there, a wrong
/// password is refused, a reader comes back to the page they asked for, sees their name and role and none of the
/// controls their role cannot use, and signs out of both the Web and the provider.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SignInPageTests(PlatformFixture platform, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_stranger_signs_in_as_reader_sees_only_what_a_reader_may_do_and_signs_out()
    {
        await using var session = await BrowserSession.StartAsync(browser, platform, user: null);
        var page = await session.NewPageAsync();
        await page.GotoAsync("/runs");

        // Sent to the provider, whose page says what it is.
        Assert.StartsWith(platform.Identity.Issuer.AbsoluteUri.TrimEnd('/'), page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("development stand-in", new() { Exact = false })).ToBeVisibleAsync();

        await page.Locator("#login").FillAsync("reader");
        await page.Locator("#password").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("The account or password is not correct.");

        await page.Locator("#login").FillAsync("reader");
        await page.Locator("#password").FillAsync(LocalIdentity.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync();

        // Back on the page asked for, with who is signed in.
        Assert.EndsWith("/runs", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Runs");
        await Assertions.Expect(page.Locator("[data-testid=user-name]")).ToHaveTextAsync("Local Reader");
        await Assertions.Expect(page.Locator("[data-testid=user-role]")).ToHaveTextAsync("Reader");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Upload", Exact = true })).ToHaveCountAsync(0);

        // No upload control, and the page says why.
        await page.GotoAsync("/upload");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=role-note]")).ToContainTextAsync("Uploading files needs the Editor role; you are signed in as Reader");
        await Assertions.Expect(page.Locator("[data-testid=upload-all]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("input[type=file]")).ToHaveCountAsync(0);

        // No new source, no Run now, no secrets panel.
        await page.GotoAsync("/sources");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=role-note]")).ToContainTextAsync("needs the Editor role");
        await Assertions.Expect(page.Locator("[data-testid=new-source]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Run now")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Secrets", new() { Exact = true })).ToHaveCountAsync(0);

        // Sign out ends the Web's session and the provider's: the next page asks for the password again.
        await page.Locator("[data-testid=sign-out]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=signed-out]")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#password")).ToBeVisibleAsync();
        Assert.StartsWith(platform.Identity.Issuer.AbsoluteUri.TrimEnd('/'), page.Url, StringComparison.Ordinal);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task An_editor_uploads_and_the_run_page_says_who_started_it()
    {
        await using var session = await BrowserSession.StartAsync(browser, platform, user: "editor");
        var run = await platform.ApiWith((await platform.Identity.SignInAsync("editor")).GetProperty("access_token").GetString())
            .LoadAsync("editor_started", "id,name\n1,a\n");
        var page = await session.OpenAsync($"/runs/{run.GetProperty("id").GetGuid()}");

        await Assertions.Expect(page.Locator("[data-testid=run-started-by]")).ToHaveTextAsync("Local Editor");
        await Assertions.Expect(page.Locator("[data-testid=user-role]")).ToHaveTextAsync("Editor");
        await Assertions.Expect(page.Locator("[data-testid=replay-run]")).ToBeVisibleAsync();
        Assert.Empty(session.Errors);
    }
}
