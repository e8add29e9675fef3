using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Diviora.Tests.Platform;
using Microsoft.Playwright;

namespace Diviora.Tests.Web;

/// <summary>
/// The dashboard in Debian's Chromium against the whole platform: every page at 1280 px (light) and 390 px (dark)
/// without console errors or serious accessibility violations, an upload in the browser, and live run statuses.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardTests(PlatformFixture platform, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static string? _failedRun;
    private static readonly string[] AllSent = ["100%", "100%", "100%"];
    private static readonly string[] RowsPerFile = ["100", "200", "300"];

    public static TheoryData<string, int> Pages()
    {
        var data = new TheoryData<string, int>();
        foreach (var width in new[] { 1280, 390 })
        {
            foreach (var path in new[]
            {
                "/", "/datasets", "/upload", "/runs", "/runs/{failed}",
                "/datasets/walk", "/datasets/walk?tab=schema", "/datasets/walk?tab=profile", "/datasets/walk?tab=chart", "/datasets/walk?tab=runs",
                "/sources", "/sources/new", "/sources/walk-source",
            })
            {
                data.Add(path, width);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_loads_clean_and_passes_an_axe_scan(string path, int width)
    {
        var failed = await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform, width, width < 600 ? 844 : 900, width < 600 ? ColorScheme.Dark : ColorScheme.Light);
        var page = await session.OpenAsync(path.Replace("{failed}", failed, StringComparison.Ordinal));

        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
        // Tabs and charts fill in after the circuit starts; scan what a person sees once the page settled.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForTimeoutAsync(500);
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));

        // Usable at this width: nothing makes the page itself scroll sideways (wide grids scroll inside their frame).
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a {width} px window.");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_theme_follows_the_system_dark_setting()
    {
        await using var light = await BrowserSession.StartAsync(browser, platform, scheme: ColorScheme.Light);
        await using var dark = await BrowserSession.StartAsync(browser, platform, scheme: ColorScheme.Dark);

        var lightBackground = await BackgroundAsync(await light.OpenAsync("/runs"));
        var darkBackground = await BackgroundAsync(await dark.OpenAsync("/runs"));

        Assert.True(Brightness(lightBackground) > 200, $"light background {lightBackground}");
        Assert.True(Brightness(darkBackground) < 80, $"dark background {darkBackground}");
    }

    [Fact]
    public async Task A_csv_dropped_on_the_upload_page_shows_what_was_detected_then_runs_to_success()
    {
        var file = Path.Combine(Path.GetTempPath(), $"browser-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "code;city;amount\n08123;Zürich;12,50\n10115;\"Berlin; Mitte\";7\n");
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/upload");

        await ChooseFilesAsync(page, file);
        var item = page.Locator("[data-testid=upload-item]");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "Ready");
        await Assertions.Expect(item.Locator("[data-testid=detected-format]")).ToHaveTextAsync("csv");
        await Assertions.Expect(item.Locator("[data-testid=detected-delimiter]")).ToHaveTextAsync(";");

        // The dataset name is suggested from the file name; the user names it instead.
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Dataset" })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^browser-"));
        await NameDatasetAsync(page, "from-browser");
        await page.Locator("[data-testid=upload-all]").ClickAsync();

        await Assertions.Expect(item.Locator("[data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(item.Locator("[data-testid=rows-loaded]")).ToHaveTextAsync("2");
        await Assertions.Expect(item.Locator("[data-testid=upload-percent]")).ToHaveTextAsync("100%");

        await item.Locator("[data-testid=open-dataset]").ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("from-browser");
        var grid = page.Locator("[data-testid=rows]");
        await Assertions.Expect(grid).ToContainTextAsync("08123");
        await Assertions.Expect(grid).ToContainTextAsync("Berlin; Mitte");
        await Assertions.Expect(grid).ToContainTextAsync("Zürich");
        Assert.Empty(session.Errors);
        File.Delete(file);
    }

    [Fact]
    public async Task A_workbook_lists_its_sheets_and_loads_the_one_chosen()
    {
        var file = Path.Combine(Path.GetTempPath(), $"workbook-{Guid.NewGuid():N}.xlsx");
        MiniExcelLibs.MiniExcel.SaveAs(file, new Dictionary<string, object>
        {
            ["Summary"] = new[] { new Dictionary<string, object?> { ["note"] = "not this one" } },
            ["Orders"] = new[]
            {
                new Dictionary<string, object?> { ["id"] = 1, ["zip"] = "08123", ["amount"] = 12.5 },
                new Dictionary<string, object?> { ["id"] = 2, ["zip"] = "10115", ["amount"] = 7 },
            },
        });
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/upload");
        await ChooseFilesAsync(page, file);

        var item = page.Locator("[data-testid=upload-item]");
        // The first workbook a fresh Api reads compiles its Excel reader: on a busy 2-core machine that alone has taken over 15 s.
        await Assertions.Expect(item.Locator("[data-testid=detected-format]")).ToHaveTextAsync("xlsx", new() { Timeout = 60_000 });
        await NameDatasetAsync(page, "workbook");
        await item.Locator("summary").ClickAsync();
        await item.Locator("[data-testid=option-sheet]").SelectOptionAsync("Orders");
        // Detected again with the sheet: the preview shows the Orders columns.
        await Assertions.Expect(item.Locator("[data-testid=preview] th").First).ToContainTextAsync("id");
        await Assertions.Expect(item.Locator("[data-testid=preview]")).ToContainTextAsync("08123");

        await page.Locator("[data-testid=upload-all]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(item.Locator("[data-testid=rows-loaded]")).ToHaveTextAsync("2");
        var runs = await platform.Api.GetStringAsync("/api/runs?dataset=workbook&limit=1");
        Assert.Contains("xlsx (sheet 'Orders')", runs, StringComparison.Ordinal);
        Assert.Empty(session.Errors);
        File.Delete(file);
    }

    [Fact]
    public async Task More_files_than_one_pick_takes_are_listed_up_to_the_limit_with_a_message()
    {
        var folder = Directory.CreateTempSubdirectory("many-");
        var files = Enumerable.Range(1, 21).Select(i => Path.Combine(folder.FullName, $"part{i}.csv")).ToArray();
        foreach (var file in files)
        {
            await File.WriteAllTextAsync(file, "a,b\n1,2\n");
        }

        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/upload");
        await ChooseFilesAsync(page, files);

        await Assertions.Expect(page.Locator("[data-testid=upload-error]")).ToContainTextAsync("21 files were chosen; the first 20 are listed");
        await Assertions.Expect(page.Locator("[data-testid=upload-item]")).ToHaveCountAsync(20);
        await Assertions.Expect(page.Locator("[data-testid=page-error]")).ToHaveCountAsync(0);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Several_files_upload_at_once_each_with_its_own_progress_and_run()
    {
        var files = Enumerable.Range(1, 3).Select(n => Path.Combine(Path.GetTempPath(), $"file{n}-{Guid.NewGuid():N}.csv")).ToArray();
        for (var i = 0; i < files.Length; i++)
        {
            await File.WriteAllTextAsync(files[i], DashboardData.Sales(100 * (i + 1)));
        }

        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/upload");
        await ChooseFilesAsync(page, files);
        var items = page.Locator("[data-testid=upload-item]");
        await Assertions.Expect(items).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-testid=upload-item][data-state=Ready]")).ToHaveCountAsync(3);
        await NameDatasetAsync(page, "many-files");

        await page.Locator("[data-testid=upload-all]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=upload-item] [data-status=Succeeded]")).ToHaveCountAsync(3, new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("[data-testid=upload-percent]")).ToHaveTextAsync(AllSent);
        await Assertions.Expect(page.Locator("[data-testid=rows-loaded]")).ToHaveTextAsync(RowsPerFile);
        Assert.Empty(session.Errors);
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_file_of_several_megabytes_goes_from_the_browser_over_http_with_its_progress_to_a_run()
    {
        const int rows = 180_000;
        var file = Path.Combine(Path.GetTempPath(), $"large-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, DashboardData.Sales(rows));
        Assert.InRange(new FileInfo(file).Length, 5L << 20, PlatformFixture.MaxFileBytes);
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/upload");
        var sent = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("/upload/datasets/", StringComparison.Ordinal))
            {
                sent.Add(request.Url);
            }
        };
        await ChooseFilesAsync(page, file);
        var item = page.Locator("[data-testid=upload-item]");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "Ready");
        await NameDatasetAsync(page, "large-file");

        await page.Locator("[data-testid=upload-all]").ClickAsync();

        await Assertions.Expect(item.Locator("[data-testid=upload-percent]")).ToHaveTextAsync("100%", new() { Timeout = 60_000 });
        await Assertions.Expect(item.Locator("[data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 90_000 });
        await Assertions.Expect(item.Locator("[data-testid=rows-loaded]")).ToHaveTextAsync(rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        // The bytes went over plain HTTP to the Web's upload route, not through the circuit.
        Assert.Single(sent);
        Assert.EndsWith("/upload/datasets/large-file", sent[0], StringComparison.Ordinal);
        Assert.Empty(session.Errors);
        File.Delete(file);
    }

    [Fact]
    public async Task A_run_started_elsewhere_appears_on_the_runs_page_and_turns_succeeded_without_a_reload()
    {
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/runs");
        await page.Locator("[data-testid=runs-dataset]").WaitForAsync();

        var run = await platform.Api.LoadAsync("live-runs", DashboardData.Sales(20));
        var id = run.GetProperty("id").GetString();

        // The page polls once a second: the run shows, already ended, within 2 s of its end (3 s with the test's own polling).
        var link = page.Locator($"a[href='/runs/{id}'] [data-testid=run-status]");
        await Assertions.Expect(link).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 3_000 });
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Times_show_in_the_browsers_time_zone()
    {
        var run = await platform.Api.LoadAsync("time-zones", DashboardData.Sales(3));
        var created = run.GetProperty("createdAt").GetDateTime();
        var berlin = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(created, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        await using var session = await BrowserSession.StartAsync(browser, platform, timeZone: "Europe/Berlin");
        var page = await session.OpenAsync("/datasets/time-zones?tab=runs");

        await Assertions.Expect(page.Locator("[data-testid=runs] time").First)
            .ToHaveTextAsync(berlin.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_runs_page_filters_by_dataset_and_outcome()
    {
        var failed = await SeedAsync();
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/runs");

        await page.Locator("[data-testid=runs-status]").SelectOptionAsync("Failed");
        await Assertions.Expect(page.Locator($"a[href='/runs/{failed}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=runs] [data-status=Succeeded]")).ToHaveCountAsync(0);

        await page.Locator("[data-testid=runs-dataset]").SelectOptionAsync("walk");
        await Assertions.Expect(page.Locator("[data-testid=no-runs]")).ToContainTextAsync("No run matches");
        Assert.Empty(session.Errors);
    }

    /// <summary>Types the dataset name and waits until the page took it (the upload button names the file count once it has).</summary>
    private static async Task NameDatasetAsync(IPage page, string name)
    {
        var box = page.GetByRole(AriaRole.Textbox, new() { Name = "Dataset" });
        await box.FillAsync(name);
        await box.PressAsync("Tab");
        await Assertions.Expect(box).ToHaveValueAsync(name);
    }

    /// <summary>
    /// Picks files in the newest file input, once Blazor listens to it. The circuit being up is not enough: InputFile
    /// wires its change listener in a script call after its first interactive render, and a pick before that is lost
    /// (a person cannot pick that fast; a test can). Blazor marks a wired input with <c>_blazorInputFileNextFileId</c>.
    /// </summary>
    private static async Task ChooseFilesAsync(IPage page, params string[] files)
    {
        await page.WaitForFunctionAsync(
            "() => { const inputs = document.querySelectorAll('input[type=file]'); " +
            "return inputs.length > 0 && inputs[inputs.length - 1]._blazorInputFileNextFileId !== undefined; }");
        await page.Locator("input[type=file]").Last.SetInputFilesAsync(files);
    }

    private static async Task<string> BackgroundAsync(IPage page) =>
        await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    private static double Brightness(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(', StringComparison.Ordinal) + 1)..rgb.IndexOf(')', StringComparison.Ordinal)].Split(',');
        return parts.Take(3).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).Average();
    }

    /// <summary>One dataset with rows, one failed run with rejects, a source and a secret, shared by the page scans.</summary>
    private async Task<string> SeedAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (_failedRun is null)
            {
                await platform.Api.LoadAsync("walk", DashboardData.Sales(500));
                var failed = await DashboardData.FailedRunAsync(platform.Api, "walk-failed", good: 10, bad: 30);
                Assert.Equal("Failed", failed.GetProperty("status").GetString());
                _failedRun = failed.GetProperty("id").GetString();
                await SourcesData.SeedAsync(platform.Api);
            }

            return _failedRun!;
        }
        finally
        {
            Seeding.Release();
        }
    }
}
