using System.Globalization;
using System.Text;

namespace Diviora.Benchmarks;

/// <summary>
/// The standard benchmark file: 1,000,000 rows x 10 columns (integers, decimals with two places, ISO timestamps,
/// booleans, short text, text with quoted commas and doubled quotes), about 100 MB. Deterministic for a given row count.
/// </summary>
internal static class StandardFile
{
    public static string Ensure(string directory, int rows)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"standard-{rows}.csv");
        if (File.Exists(path))
        {
            return path;
        }

        var random = new Random(20261126);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        using var writer = new StreamWriter(path + ".tmp", false, new UTF8Encoding(false), 1 << 20);
        writer.Write("id,customer_id,amount,quantity,ordered_at,shipped,country,product,comment,score\n");
        for (var i = 1; i <= rows; i++)
        {
            var ordered = start.AddSeconds(random.Next(0, 365 * 24 * 3600));
            writer.Write(i.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(random.Next(1, 100_000).ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write((random.Next(0, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(random.Next(1, 500).ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(ordered.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(random.Next(2) == 0 ? "true" : "false");
            writer.Write(',');
            writer.Write(Countries[random.Next(Countries.Length)]);
            writer.Write(',');
            writer.Write("product-");
            writer.Write(random.Next(1, 5000).ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write("\"Order ");
            writer.Write(i.ToString(CultureInfo.InvariantCulture));
            writer.Write(", said \"\"thanks\"\", ok\",");
            writer.Write((random.Next(0, 100_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }

        writer.Close();
        File.Move(path + ".tmp", path);
        return path;
    }

    private static readonly string[] Countries = ["DE", "FR", "NL", "PL", "ES", "IT", "SE", "US", "GB", "JP"];
}
