using System.Globalization;
using System.Net.Http.Json;
using Diviora.Tests.Platform;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>
/// Exploring a dataset in the browser: the grid sorts, filters and pages in the warehouse, a chart is drawn from the
/// aggregate API and saved, the profile counts, the schema is edited, and a failed run shows its rejects.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ExploreTests(PlatformFixture platform, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const int Rows = 230;
    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static bool _seeded;

    [Fact]
    public async Task The_grid_sorts_filters_and_pages_in_the_warehouse()
    {
        await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/explore");
        var grid = page.Locator("[data-testid=rows]");
        await Assertions.Expect(FirstCell(grid, 1)).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("[data-testid=matching]")).ToHaveTextAsync($"{Rows} rows");

        // Sort by amount: ascending, then descending, across all rows and not only the page shown.
        var amounts = Enumerable.Range(1, Rows).Select(DashboardData.Amount).ToList();
        var amountHeader = grid.Locator("th", new() { Has = page.Locator("[col-title-text]", new() { HasTextString = "amount" }) }).Locator("[col-sort-button]");
        await amountHeader.ClickAsync();
        await Assertions.Expect(FirstCell(grid, 3)).ToHaveTextAsync(Text(amounts.Min()));
        await amountHeader.ClickAsync();
        await Assertions.Expect(FirstCell(grid, 3)).ToHaveTextAsync(Text(amounts.Max()));

        // Next page: rows 51-100 of the same order (the page after continues by cursor).
        await page.GetByRole(AriaRole.Button, new() { Name = "Go to next page" }).ClickAsync();
        var expectedSecond = Enumerable.Range(1, Rows).OrderByDescending(DashboardData.Amount).ThenBy(i => i).ElementAt(50);
        await Assertions.Expect(FirstCell(grid, 3)).ToHaveTextAsync(Text(DashboardData.Amount(expectedSecond)));
        await Assertions.Expect(page.Locator(".pagination-text")).ToHaveTextAsync("Page 2 of 5");

        // A free filter expression: only German rows, counted.
        await page.Locator("[data-testid=filter-expression] input, input[data-testid=filter-expression]").First.FillAsync("country eq 'DE' and amount ge 100");
        await page.Locator("[data-testid=apply-filter]").ClickAsync();
        var german = Enumerable.Range(1, Rows).Count(i => DashboardData.Country(i) == "DE" && DashboardData.Amount(i) >= 100);
        await Assertions.Expect(page.Locator("[data-testid=matching]")).ToHaveTextAsync($"{german} rows match");
        await Assertions.Expect(grid.Locator("tbody td:nth-child(2)")).Not.ToContainTextAsync(["AT"]);

        // A column filter on note, from the column's header menu, joins the expression.
        var noteHeader = grid.Locator("th", new() { Has = page.Locator("[col-title-text]", new() { HasTextString = "note" }) });
        await noteHeader.Locator("[col-options-button]").ClickAsync();
        var filter = page.Locator("[data-testid='column-filter-note']");
        await filter.Locator("[data-testid=filter-operator]").SelectOptionAsync("null");
        await filter.Locator("[data-testid=filter-apply]").ClickAsync();
        var germanWithoutNote = Enumerable.Range(1, Rows).Count(i => DashboardData.Country(i) == "DE" && DashboardData.Amount(i) >= 100 && i % 5 == 0);
        await Assertions.Expect(page.Locator("[data-testid=matching]")).ToHaveTextAsync($"{germanWithoutNote} rows match");

        // A mistake in the expression is the Api's message, on the page; the grid stays usable.
        await page.Locator("[data-testid=clear-filters]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=matching]")).ToHaveTextAsync($"{Rows} rows");
        var expression = page.Locator("input[data-testid=filter-expression], [data-testid=filter-expression] input").First;
        await expression.FillAsync("amount equals 5");
        await Assertions.Expect(expression).ToHaveValueAsync("amount equals 5");
        await page.Locator("[data-testid=apply-filter]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=api-error]")).ToContainTextAsync("expected an operator");
        Assert.DoesNotContain(session.Errors, e => !e.Contains("400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hidden_columns_leave_the_grid_and_the_export()
    {
        await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/explore");
        await page.Locator("[data-testid=choose-columns]").ClickAsync();
        await page.Locator("[data-testid=column-chooser]").GetByText("note").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=rows] [col-title-text]")).ToHaveCountAsync(4);
        var href = await page.Locator("[data-testid=export-csv]").GetAttributeAsync("href");
        Assert.Contains("select=", href, StringComparison.Ordinal);

        // The export streams through the Web from the Api, with the columns shown.
        using var response = await platform.Web.GetAsync(href);
        response.EnsureSuccessStatusCode();
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,country,amount,day", lines[0].Trim());
        Assert.Equal(Rows + 1, lines.Length);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_chart_is_drawn_from_the_aggregate_api_and_saved_on_the_dataset_page()
    {
        await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/explore?tab=chart");

        await page.Locator("[data-testid=chart-group-by]").SelectOptionAsync("country");
        await page.Locator("[data-testid=measure-function]").SelectOptionAsync("sum");
        await page.Locator("[data-testid=measure-column]").SelectOptionAsync("amount");
        await page.Locator("[data-testid=draw-chart]").ClickAsync();

        // Four countries, one bar each, drawn by plotly.js as SVG.
        var chart = page.Locator("[data-testid=chart]");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-points", "4");
        await Assertions.Expect(chart.Locator("svg.main-svg").First).ToBeVisibleAsync();
        await Assertions.Expect(chart.Locator("g.point")).ToHaveCountAsync(4);

        await page.Locator("[data-testid=chart-name] input, input[data-testid=chart-name]").First.FillAsync("Amount by country");
        await page.Locator("[data-testid=save-chart]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=chart-saved]")).ToBeVisibleAsync();

        // The saved chart shows on the dataset page, above the tabs, in a new visit too.
        var again = await session.OpenAsync("/datasets/explore");
        var saved = again.Locator("[data-testid=saved-chart][data-name='Amount by country']");
        await Assertions.Expect(saved.Locator("svg.main-svg").First).ToBeVisibleAsync();
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_profile_counts_empty_and_distinct_values_and_draws_a_histogram()
    {
        await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/explore?tab=profile");

        var note = page.Locator("[data-testid=profile][data-column=note]");
        await Assertions.Expect(note.Locator("[data-testid=profile-nulls]")).ToHaveTextAsync($"20% ({Rows / 5})");
        var country = page.Locator("[data-testid=profile][data-column=country]");
        await Assertions.Expect(country.Locator("[data-testid=profile-distinct]")).ToHaveTextAsync("4");
        var amount = page.Locator("[data-testid=profile][data-column=amount]");
        var amounts = Enumerable.Range(1, Rows).Select(DashboardData.Amount).ToList();
        await Assertions.Expect(amount.Locator("[data-testid=profile-max]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^" + Text(amounts.Max()).Replace(".", "\\.", StringComparison.Ordinal)));
        await Assertions.Expect(amount.Locator("svg.main-svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=profile-progress]")).ToHaveCountAsync(0);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Schema_settings_are_saved_and_a_refused_one_shows_the_api_message()
    {
        await platform.Api.LoadAsync("schema-edit", DashboardData.Sales(10));
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/schema-edit?tab=schema");

        // Upsert without a key is refused, and the page says why.
        await page.Locator("[data-testid=settings-mode]").SelectOptionAsync("upsert");
        await page.Locator("[data-testid=save-settings]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=api-error]")).ToContainTextAsync("needs a key");

        // With id as the key and a rule on amount, it is kept.
        await page.Locator("[data-testid=schema-column][data-column=id] [data-testid=key-column]").CheckAsync();
        await page.Locator("[data-testid=schema-column][data-column=amount] [data-testid=edit-column]").ClickAsync();
        await page.Locator("[data-testid=column-max]").FillAsync("200");
        await page.Locator("[data-testid=save-settings]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=settings-saved]")).ToBeVisibleAsync();

        var dataset = await platform.Api.GetStringAsync("/api/datasets/schema-edit");
        Assert.Contains("\"mode\":\"upsert\"", dataset, StringComparison.Ordinal);
        Assert.Contains("\"key\":[\"id\"]", dataset, StringComparison.Ordinal);
        Assert.Contains("\"max\":200", dataset, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Errors, e => !e.Contains("400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_run_shows_why_and_its_rejects_page_by_page()
    {
        var run = await DashboardData.FailedRunAsync(platform.Api, "explore-failed", good: 5, bad: 40);
        await using var session = await BrowserSession.StartAsync(browser, platform, 390, 844, ColorScheme.Dark);
        var page = await session.OpenAsync($"/runs/{run.GetProperty("id").GetString()}");

        await Assertions.Expect(page.Locator("[data-testid=run-status]").First).ToHaveAttributeAsync("data-status", "Failed");
        await Assertions.Expect(page.Locator("[data-testid=run-error]")).ToContainTextAsync("were rejected, more than the dataset's limit of 10%");
        await Assertions.Expect(page.Locator("[data-testid=rows-rejected]")).ToHaveTextAsync("40");
        await Assertions.Expect(page.Locator("[data-testid=run-stage][data-state=failed]").First).ToBeVisibleAsync();

        var rejects = page.Locator("[data-testid=rejects]");
        await Assertions.Expect(rejects).ToContainTextAsync("'bad6' is not an integer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Go to next page" }).ClickAsync();
        await Assertions.Expect(rejects).ToContainTextAsync("'bad31' is not an integer");

        // The whole rejects file downloads through the Web.
        var href = await page.Locator("[data-testid=download-rejects]").GetAttributeAsync("href");
        var csv = await platform.Web.GetStringAsync(href);
        Assert.Equal(41, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_dataset_page_is_reachable_and_usable_with_the_keyboard()
    {
        await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/explore");
        await Assertions.Expect(FirstCell(page.Locator("[data-testid=rows]"), 1)).ToHaveTextAsync("1");

        // After a navigation the focus is on the heading; Tab goes on through the page, Shift+Tab back to the menu.
        var reached = await TabAsync(page, "Tab", 60);
        var back = await TabAsync(page, "Shift+Tab", 80);

        Assert.Contains("Datasets", back);
        Assert.Contains("filter-expression", reached);
        Assert.Contains("apply-filter", reached);
        Assert.Contains("export-csv", reached);
        Assert.Contains(reached, r => r == "amount");

        // Sort with Enter on the focused header, as a mouse click would.
        await page.Locator("[data-testid=rows] th", new() { Has = page.Locator("[col-title-text]", new() { HasTextString = "amount" }) }).Locator("[col-sort-button]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(FirstCell(page.Locator("[data-testid=rows]"), 3)).ToHaveTextAsync(Text(Enumerable.Range(1, Rows).Select(DashboardData.Amount).Min()));

        // The menu is one stop: arrow keys move within it, Enter opens the page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Datasets" }).First.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("Sources", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Sources");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_open_tab_is_in_the_address_and_stays_behind_when_the_page_is_left()
    {
        await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/datasets/explore");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Schema" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/datasets/explore\\?tab=schema$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Runs" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Runs");
        await page.WaitForTimeoutAsync(500);
        Assert.EndsWith("/runs", page.Url, StringComparison.Ordinal);
        Assert.Empty(session.Errors);
    }

    private static async Task<List<string>> TabAsync(IPage page, string key, int times)
    {
        var reached = new List<string>();
        for (var i = 0; i < times; i++)
        {
            await page.Keyboard.PressAsync(key);
            reached.Add(await page.EvaluateAsync<string>(
                "() => { const e = document.activeElement; return (e.getAttribute('data-testid') || e.getAttribute('aria-label') || e.textContent || '').trim(); }"));
        }

        return reached;
    }

    private static ILocator FirstCell(ILocator grid, int column) => grid.Locator($"tbody tr:first-child td:nth-child({column})");

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task SeedAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (!_seeded)
            {
                using var settings = await platform.Api.PutAsJsonAsync("/api/datasets/explore", new { columns = new[] { new { name = "amount", type = "decimal" } } });
                settings.EnsureSuccessStatusCode();
                var run = await platform.Api.LoadAsync("explore", DashboardData.Sales(Rows));
                Assert.Equal("Succeeded", run.GetProperty("status").GetString());
                _seeded = true;
            }
        }
        finally
        {
            Seeding.Release();
        }
    }
}
