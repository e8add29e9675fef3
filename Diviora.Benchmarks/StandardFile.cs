using System.Globalization;
using System.Text;

namespace Diviora.Benchmarks;

/// <summary>
/// The standard benchmark file: 1,000,000 rows x 10 columns (integers, decimals with two places, ISO timestamps,
/// booleans, short text, text with quoted commas and doubled quotes), about 100 MB. Deterministic for a given row count.
/// </summary>
internal static class StandardFile
{
    private const string Header = "id,customer_id,amount,quantity,ordered_at,shipped,country,product,comment,score";

    /// <summary>The CSV file of <paramref name="rows"/> rows in <paramref name="directory"/>, written on first use.</summary>
    public static string Ensure(string directory, int rows) => Ensure(directory, rows, "csv");

    /// <summary>
    /// The same rows as <paramref name="format"/>: <c>csv</c>, <c>jsonl</c> (one object per line) or <c>json</c> (one
    /// array of objects), with the same values: numbers and booleans as JSON numbers and booleans, the rest as strings.
    /// </summary>
    public static string Ensure(string directory, int rows, string format)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"standard-{rows}.{format}");
        if (File.Exists(path))
        {
            return path;
        }

        using (var writer = new StreamWriter(path + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        {
            switch (format)
            {
                case "csv":
                    WriteCsv(writer, rows);
                    break;
                case "jsonl" or "json":
                    WriteJson(writer, rows, array: format == "json");
                    break;
                default:
                    throw new ArgumentException($"Unknown format '{format}': csv, jsonl or json.", nameof(format));
            }
        }

        File.Move(path + ".tmp", path);
        return path;
    }

    private static void WriteCsv(StreamWriter writer, int rows)
    {
        writer.Write(Header);
        writer.Write('\n');
        foreach (var row in Rows(rows))
        {
            writer.Write(string.Join(',', row.Id, row.CustomerId, row.Amount, row.Quantity, row.OrderedAt, row.Shipped, row.Country, row.Product));
            writer.Write(",\"");
            writer.Write(row.Comment.Replace("\"", "\"\"", StringComparison.Ordinal));
            writer.Write("\",");
            writer.Write(row.Score);
            writer.Write('\n');
        }
    }

    private static void WriteJson(StreamWriter writer, int rows, bool array)
    {
        var names = Header.Split(',');
        if (array)
        {
            writer.Write("[\n");
        }

        var first = true;
        foreach (var row in Rows(rows))
        {
            if (array && !first)
            {
                writer.Write(",\n");
            }

            first = false;
            writer.Write($"{{\"{names[0]}\":{row.Id},\"{names[1]}\":{row.CustomerId},\"{names[2]}\":{row.Amount},\"{names[3]}\":{row.Quantity}," +
                $"\"{names[4]}\":\"{row.OrderedAt}\",\"{names[5]}\":{row.Shipped},\"{names[6]}\":\"{row.Country}\",\"{names[7]}\":\"{row.Product}\"," +
                $"\"{names[8]}\":\"{row.Comment.Replace("\"", "\\\"", StringComparison.Ordinal)}\",\"{names[9]}\":{row.Score}}}");
            if (!array)
            {
                writer.Write('\n');
            }
        }

        if (array)
        {
            writer.Write("\n]\n");
        }
    }

    /// <summary>One row's values as text, in the invariant culture; deterministic for a given row count.</summary>
    private readonly record struct Row(
        string Id, string CustomerId, string Amount, string Quantity, string OrderedAt, string Shipped, string Country, string Product, string Comment,
        string Score);

    private static IEnumerable<Row> Rows(int rows)
    {
        var random = new Random(20261126);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        for (var i = 1; i <= rows; i++)
        {
            var ordered = start.AddSeconds(random.Next(0, 365 * 24 * 3600));
            var id = i.ToString(CultureInfo.InvariantCulture);
            var customer = random.Next(1, 100_000).ToString(CultureInfo.InvariantCulture);
            var amount = (random.Next(0, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            var quantity = random.Next(1, 500).ToString(CultureInfo.InvariantCulture);
            var shipped = random.Next(2) == 0 ? "true" : "false";
            var country = Countries[random.Next(Countries.Length)];
            var product = "product-" + random.Next(1, 5000).ToString(CultureInfo.InvariantCulture);
            var score = (random.Next(0, 100_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            yield return new Row(id, customer, amount, quantity, ordered.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), shipped,
                country, product, $"Order {id}, said \"thanks\", ok", score);
        }
    }

    private static readonly string[] Countries = ["DE", "FR", "NL", "PL", "ES", "IT", "SE", "US", "GB", "JP"];
}
