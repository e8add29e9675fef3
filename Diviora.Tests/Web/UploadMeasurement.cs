using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Diviora.Tests.Platform;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Diviora.Tests.Web;

/// <summary>
/// Not a test: the figures of the README's upload benchmark, taken by <c>.ci/measure-upload</c>. A CSV of
/// <c>DIVIORA_MEASURE_UPLOAD_MB</c> MB goes to the Api with curl and the person's token, then from the Upload page in
/// Chromium through the Web. Each is timed until the Api answered with the queued run. Skipped unless that variable is set.
/// </summary>
[Trait("Category", "Measure")]
public sealed partial class UploadMeasurement(ITestOutputHelper output)
{
    private const string SizeVariable = "DIVIORA_MEASURE_UPLOAD_MB";

    [MeasurementFact]
    public async Task A_large_csv_from_the_page_against_curl_to_the_Api()
    {
        var megabytes = int.Parse(Environment.GetEnvironmentVariable(SizeVariable)!, CultureInfo.InvariantCulture);
        var file = Path.Combine(Path.GetTempPath(), $"upload-measure-{megabytes}mb.csv");
        WriteCsv(file, megabytes * 1_000_000L);
        var platform = new LargeUploadsPlatform((megabytes + 16) * 1_000_000L);
        var browser = new BrowserFixture();
        try
        {
            await platform.InitializeAsync();
            await browser.InitializeAsync();
            var token = platform.Api.DefaultRequestHeaders.Authorization!.Parameter!;
            var api = platform.App.GetEndpoint("api", "http");

            // Each three times, in turn: the first round also warms up code paths the later ones find ready.
            var curl = new List<double>();
            var page = new List<double>();
            for (var round = 1; round <= 3; round++)
            {
                curl.Add(await CurlAsync(api, token, file, $"measure_curl_{round}"));
                page.Add(await FromThePageAsync(platform, browser, file, $"measure_page_{round}"));
            }

            var size = new FileInfo(file).Length;
            var report = $"{size / 1e6:0.0} MB CSV, Debug build: curl to the Api {Seconds(curl)}; the Upload page through the Web {Seconds(page)}; " +
                $"ratio of the medians {Median(page) / Median(curl):0.00}x";
            output.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "diviora-upload-measurement.txt"), report + "\n");
        }
        finally
        {
            await browser.DisposeAsync();
            await platform.DisposeAsync();
            File.Delete(file);
        }
    }

    private static string Seconds(List<double> times) =>
        string.Join(", ", times.Select(t => t.ToString("0.00 s", CultureInfo.InvariantCulture))) + $" (median {Median(times):0.00} s)";

    private static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);

    private static async Task<double> CurlAsync(Uri api, string token, string file, string dataset)
    {
        var curl = new ProcessStartInfo("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-H", $"Authorization: Bearer {token}",
            "-F", $"file=@{file};type=text/csv", new Uri(api, $"/api/datasets/{dataset}/uploads").AbsoluteUri])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(curl)!;
        var answer = (await process.StandardOutput.ReadToEndAsync()).Split(' ');
        await process.WaitForExitAsync();
        Assert.Equal("202", answer[0]);
        return double.Parse(answer[1], CultureInfo.InvariantCulture);
    }

    private static async Task<double> FromThePageAsync(PlatformFixture platform, BrowserFixture browser, string file, string dataset)
    {
        await using var session = await BrowserSession.StartAsync(browser, platform);
        var page = await session.OpenAsync("/upload");
        await page.WaitForFunctionAsync("() => document.querySelector('input[type=file]')?._blazorInputFileNextFileId !== undefined");
        await page.Locator("input[type=file]").Last.SetInputFilesAsync(file);
        var item = page.Locator("[data-testid=upload-item]");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 60_000 });
        var box = page.GetByRole(AriaRole.Textbox, new() { Name = "Dataset" });
        await box.FillAsync(dataset);
        await box.PressAsync("Tab");
        await Assertions.Expect(box).ToHaveValueAsync(dataset);

        var clock = Stopwatch.StartNew();
        await page.Locator("[data-testid=upload-all]").ClickAsync();
        // Running (or Ended) once the Api answered with the queued run: the upload is over.
        await Assertions.Expect(item).ToHaveAttributeAsync("data-state", Answered(), new() { Timeout = 600_000 });
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.Empty(session.Errors);
        return seconds;
    }

    [GeneratedRegex("^(Running|Ended)$")]
    private static partial Regex Answered();

    /// <summary>The dashboard's sales columns, row after row, until the file has <paramref name="bytes"/> bytes.</summary>
    private static void WriteCsv(string path, long bytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("id,country,amount,day,note\n");
        string[] countries = ["DE", "AT", "CH", "FR"];
        for (var i = 1; writer.BaseStream.Position < bytes; i++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{i},{countries[i % 4]},{DashboardData.Amount(i)},2024-{1 + i % 12:00}-{1 + i % 28:00},n{i}\n"));
        }
    }

    /// <summary>The platform with an upload limit that fits the measured file.</summary>
    private sealed class LargeUploadsPlatform(long maxFileBytes)
        : PlatformFixture([$"--Diviora:Uploads:MaxFileBytes={maxFileBytes.ToString(CultureInfo.InvariantCulture)}"]);

    /// <summary>Runs only when <c>DIVIORA_MEASURE_UPLOAD_MB</c> is set (by <c>.ci/measure-upload</c>).</summary>
    private sealed class MeasurementFactAttribute : FactAttribute
    {
        public MeasurementFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SizeVariable)))
            {
                Skip = $"A measurement, not a test: .ci/measure-upload runs it with {SizeVariable} set.";
            }
        }
    }
}
