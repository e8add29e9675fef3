using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>What a user does with curl: upload a file, poll its run, read rows, store a secret.</summary>
internal static class ApiClientExtensions
{
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient api, string dataset, string csv, string fileName = "data.csv") =>
        api.UploadAsync(dataset, Encoding.UTF8.GetBytes(csv), fileName);

    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient api, string dataset, byte[] content, string fileName = "data.csv", string query = "")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return await api.PostAsync($"/api/datasets/{dataset}/uploads{query}", form);
    }

    /// <summary>Uploads and waits until the run ends; returns the ended run.</summary>
    public static async Task<JsonElement> LoadAsync(this HttpClient api, string dataset, string csv)
    {
        using var response = await api.UploadAsync(dataset, csv);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location ?? throw new InvalidOperationException("No Location header.");
        return await api.WaitForRunAsync(location.ToString());
    }

    public static async Task<JsonElement> WaitForRunAsync(this HttpClient api, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await api.GetFromJsonAsync<JsonElement>(location);
            var status = run.GetProperty("status").GetString();
            if (status is "Succeeded" or "Failed")
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {location} did not end within 60 s; it is {status}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Polls the run at <paramref name="location"/> until <paramref name="until"/> holds of it, for at most <paramref name="within"/>.</summary>
    public static async Task<JsonElement> WaitForRunAsync(
        this HttpClient api, string location, Func<JsonElement, bool> until, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = await api.GetFromJsonAsync<JsonElement>(location, cancellationToken);
            if (until(run))
            {
                return run;
            }

            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"Run {location} did not get there within {within}: {run.GetRawText()}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>A CSV of <paramref name="rows"/> rows with ids 1..rows, several columns wide, so loading it takes seconds.</summary>
    public static byte[] NumberedCsv(int rows)
    {
        var text = new StringBuilder("id,customer,country,amount,day,note\n", rows * 64);
        string[] countries = ["DE", "FR", "NL", "SE", "PL"];
        for (var i = 1; i <= rows; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{i},customer-{i % 9973},{countries[i % 5]},{i % 100000 / 100.0:0.00},2026-{i % 12 + 1:00}-{i % 28 + 1:00},row {i} of the file\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Stores a secret bound to <paramref name="allowedHosts"/>; the loopback hosts the tests' sources listen on when none are given.</summary>
    public static Task<HttpResponseMessage> PutSecretAsync(this HttpClient api, string name, string value, params string[] allowedHosts) =>
        api.PutAsJsonAsync($"/api/secrets/{name}", new { value, allowedHosts = allowedHosts.Length > 0 ? allowedHosts : ["127.0.0.1", "localhost"] });

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
