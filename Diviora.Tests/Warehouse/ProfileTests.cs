using System.Globalization;
using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Query;

namespace Diviora.Tests.Warehouse;

/// <summary>Column profiles give the counts, extremes, top values and histograms computed in C# from the same rows, on SQLite and on PostgreSQL.</summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class ProfileTests(WarehouseFixture fixture)
{
    private sealed record Item(long Id, string? Country, decimal? Amount, DateOnly? Day, DateTime At, bool? Active);

    private static readonly string[] Countries = ["DE", "FR", "NL", "de", "US", "AT"];

    private static readonly List<Item> Items = [.. Enumerable.Range(1, 700).Select(i =>
    {
        var random = new Random(i * 7);
        return new Item(
            i,
            random.Next(7) == 0 ? null : Countries[random.Next(Countries.Length)],
            random.Next(9) == 0 ? null : Math.Round((decimal)random.NextDouble() * 500m - 120m, 2),
            random.Next(8) == 0 ? null : new DateOnly(2024, 1, 1).AddDays(random.Next(95)),
            new DateTime(2024, 3, 1, 0, 0, 0).AddSeconds(random.Next(5_000_000)),
            random.Next(5) == 0 ? null : random.Next(3) == 0);
    })];

    private static string Csv()
    {
        var csv = new StringBuilder("id,country,amount,day,at,active\n");
        foreach (var item in Items)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{item.Id},{item.Country},{item.Amount?.ToString("0.00", CultureInfo.InvariantCulture)},")
                .Append(item.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(item.At.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)).Append(',')
                .Append(item.Active switch { null => "", true => "true", false => "false" }).Append('\n');
        }

        return csv.ToString();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Profiles_count_nulls_distinct_values_and_extremes_as_csharp_does(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var profiles = await engine.Get<DatasetProfiles>().ProfileAsync(dataset, null, CancellationToken.None);

        Assert.Equal(["id", "country", "amount", "day", "at", "active"], profiles.Select(p => p.Column));
        Assert.Equal(["integer", "text", "decimal", "date", "timestamp", "boolean"], profiles.Select(p => p.Type));
        Assert.All(profiles, p => Assert.Equal(700, p.Rows));
        var country = profiles[1];
        Assert.Equal(Items.Count(i => i.Country is null), country.Nulls);
        Assert.Equal(Items.Where(i => i.Country is not null).Select(i => i.Country).Distinct().Count(), country.Distinct);
        Assert.Equal(Items.Where(i => i.Country is not null).Select(i => i.Country!).Min(StringComparer.Ordinal), country.Min);
        Assert.Null(country.Histogram);
        var amount = profiles[2];
        var amounts = Items.Where(i => i.Amount is not null).Select(i => i.Amount!.Value).ToList();
        Assert.Equal(Items.Count - amounts.Count, amount.Nulls);
        Assert.Equal(amounts.Distinct().Count(), amount.Distinct);
        Assert.Equal(amounts.Min(), (decimal)amount.Min!);
        Assert.Equal(amounts.Max(), (decimal)amount.Max!);
        Assert.Equal(StoredDay(Items.Where(i => i.Day is not null).Min(i => i.Day!.Value)), profiles[3].Min);
        Assert.Equal(Items.Max(i => i.At).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), profiles[4].Max);
        var active = profiles[5];
        Assert.Equal((false, true), ((bool)active.Min!, (bool)active.Max!));
        Assert.Equal(Items.Count(i => i.Active is null), active.Nulls);
        Assert.Equal(2, active.Distinct);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Top_values_are_the_most_frequent_then_by_value(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var country = (await engine.Get<DatasetProfiles>().ProfileAsync(dataset, "COUNTRY", CancellationToken.None)).Single();
        var day = (await engine.Get<DatasetProfiles>().ProfileAsync(dataset, "day", CancellationToken.None)).Single();

        var expectedCountries = Items.Where(i => i.Country is not null).GroupBy(i => i.Country!)
            .Select(g => (Value: (object?)g.Key, Count: (long)g.Count())).OrderByDescending(g => g.Count).ThenBy(g => (string)g.Value!, StringComparer.Ordinal).Take(10);
        Assert.Equal(expectedCountries, country.Top.Select(t => (t.Value, t.Count)));
        var expectedDays = Items.Where(i => i.Day is not null).GroupBy(i => i.Day!.Value)
            .Select(g => (Value: (object?)StoredDay(g.Key), Count: (long)g.Count())).OrderByDescending(g => g.Count).ThenBy(g => (string)g.Value!, StringComparer.Ordinal).Take(10);
        Assert.Equal(expectedDays, day.Top.Select(t => (t.Value, t.Count)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Histograms_hold_every_value_once_in_the_bin_its_edges_say(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var profiles = await engine.Get<DatasetProfiles>().ProfileAsync(dataset, null, CancellationToken.None);

        var id = profiles[0].Histogram!;
        Assert.Equal(20, id.Count);
        Assert.Equal((1L, 700L), ((long)id[0].From, (long)id[^1].To));
        Assert.All(id, b => Assert.IsType<long>(b.From));
        AssertBins([.. Items.Select(i => (double)i.Id)], id, edge => Convert.ToDouble(edge, CultureInfo.InvariantCulture));

        var amount = profiles[2].Histogram!;
        var amounts = Items.Where(i => i.Amount is not null).Select(i => (double)i.Amount!.Value).ToList();
        Assert.Equal(20, amount.Count);
        Assert.Equal(amounts.Count, amount.Sum(b => b.Count));
        AssertBins(amounts, amount, edge => Convert.ToDouble(edge, CultureInfo.InvariantCulture));

        // 95 days from 2024-01-01: 20 bins on whole days, holding each day's rows.
        var day = profiles[3].Histogram!;
        var days = Items.Where(i => i.Day is not null).Select(i => (double)i.Day!.Value.DayNumber).ToList();
        Assert.Equal(20, day.Count);
        Assert.Equal(StoredDay(Items.Where(i => i.Day is not null).Min(i => i.Day!.Value)), day[0].From);
        Assert.All(day, b => Assert.Matches("^2024-\\d\\d-\\d\\d$", (string)b.From));
        Assert.Equal(days.Count, day.Sum(b => b.Count));
        AssertBins(days, day, edge => DateOnly.ParseExact((string)edge, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber);

        var at = profiles[4].Histogram!;
        Assert.Equal(700, at.Sum(b => b.Count));
        AssertBins([.. Items.Select(i => (double)i.At.Ticks)], at, edge => DateTime.Parse((string)edge, CultureInfo.InvariantCulture).Ticks);
        Assert.Null(profiles[5].Histogram);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Short_integer_ranges_have_fewer_bins_and_one_value_one_bin(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.LoadAsync("few", "n,same,label\n1,7,a\n2,7,b\n2,7,\n5,7,b\n4,,b\n");
        var dataset = await engine.DatasetAsync("few");

        var profiles = await engine.Get<DatasetProfiles>().ProfileAsync(dataset, null, CancellationToken.None);

        Assert.Equal([(1L, 2L, 1L), (2L, 3L, 2L), (3L, 4L, 0L), (4L, 5L, 2L)], profiles[0].Histogram!.Select(b => ((long)b.From, (long)b.To, b.Count)));
        Assert.Equal([(7L, 7L, 4L)], profiles[1].Histogram!.Select(b => ((long)b.From, (long)b.To, b.Count)));
        Assert.Equal((1L, 1L), (profiles[1].Nulls, profiles[2].Nulls));
        Assert.Equal([("b", 3L), ("a", 1L)], profiles[2].Top.Select(t => ((string)t.Value!, t.Count)));
        var unknown = await Assert.ThrowsAsync<QueryException>(() => engine.Get<DatasetProfiles>().ProfileAsync(dataset, "nope", CancellationToken.None));
        Assert.Equal("column", unknown.Parameter);
        Assert.Contains("nope", unknown.Message, StringComparison.Ordinal);
    }

    /// <summary>Every value falls in exactly the bin whose edges hold it (the last bin closed), and the bins count them so.</summary>
    private static void AssertBins(List<double> values, IReadOnlyList<HistogramBin> bins, Func<object, double> number)
    {
        var edges = bins.Select(b => (From: number(b.From), To: number(b.To))).ToList();
        Assert.Equal(values.Min(), edges[0].From);
        Assert.Equal(values.Max(), edges[^1].To);
        for (var i = 0; i < bins.Count; i++)
        {
            var (from, to) = edges[i];
            var last = i == bins.Count - 1;
            Assert.Equal(values.Count(v => v >= from && (last ? v <= to : v < to)), bins[i].Count);
        }
    }

    private static string StoredDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<(Diviora.Tests.Engine.EngineHost Engine, Dataset Dataset)> LoadedAsync(string kind)
    {
        var engine = await fixture.EngineAsync(kind);
        var run = await engine.LoadAsync("profiled", Csv());
        Assert.Equal((RunStatus.Succeeded, 700L), (run.Status, run.RowsLoaded));
        return (engine, await engine.DatasetAsync("profiled"));
    }
}
