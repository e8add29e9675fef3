using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Diviora.Tests.Platform;

namespace Diviora.Tests.Web;

/// <summary>Datasets the browser tests look at, loaded through the Api as a user with curl would.</summary>
internal static class DashboardData
{
    /// <summary>
    /// <paramref name="rows"/> rows: id 1..n; country cycling DE, AT, CH, FR; amount (id * 37) mod 1000 / 4;
    /// day in 2024; note empty on every fifth row.
    /// </summary>
    public static string Sales(int rows)
    {
        var csv = new StringBuilder("id,country,amount,day,note\n");
        string[] countries = ["DE", "AT", "CH", "FR"];
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{countries[i % 4]},{Amount(i).ToString(CultureInfo.InvariantCulture)},2024-{1 + i % 12:00}-{1 + i % 28:00},{(i % 5 == 0 ? "" : "n" + i)}\n");
        }

        return csv.ToString();
    }

    public static decimal Amount(int id) => (id * 37 % 1000) / 4m;

    public static string Country(int id) => new[] { "DE", "AT", "CH", "FR" }[id % 4];

    /// <summary>A run that fails because too many rows are rejected: its rejects are listed.</summary>
    public static async Task<JsonElement> FailedRunAsync(HttpClient api, string dataset, int good, int bad)
    {
        using var settings = await api.PutAsJsonAsync($"/api/datasets/{dataset}", new
        {
            maxRejectedPercent = 10,
            columns = new[] { new { name = "n", type = "integer" } },
        });
        settings.EnsureSuccessStatusCode();
        var csv = new StringBuilder("n,label\n");
        for (var i = 1; i <= good + bad; i++)
        {
            csv.Append(i <= good ? $"{i},ok\n" : $"bad{i},broken\n");
        }

        return await api.LoadAsync(dataset, csv.ToString());
    }
}
