using System.Globalization;
using System.Text;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Query;
using Diviora.Core.Query.Export;
using Diviora.Core.Warehouse;
using Diviora.Tests.Engine;

namespace Diviora.Tests.Warehouse;

/// <summary>
/// Filter, order, select, keyset paging, aggregates and exports give the answers computed independently in C# (and,
/// for aggregates, by the same query written directly in the database), on SQLite and on PostgreSQL.
/// </summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class QueryTests(WarehouseFixture fixture)
{
    private sealed record Item(long Id, string? Country, decimal? Amount, bool? Active, DateOnly? Day, string Name);

    private static readonly string[] Countries = ["DE", "FR", "NL", "de", "US"];

    private static readonly List<Item> Items = [.. Enumerable.Range(1, 1500).Select(i =>
    {
        var random = new Random(i);
        return new Item(
            i,
            random.Next(8) == 0 ? null : Countries[random.Next(Countries.Length)],
            random.Next(10) == 0 ? null : Math.Round((decimal)random.NextDouble() * 400m - 100m, 2),
            random.Next(6) == 0 ? null : random.Next(2) == 0,
            random.Next(9) == 0 ? null : new DateOnly(2024, 1, 1).AddDays(random.Next(400)),
            $"name {random.Next(300)}" + (i % 7 == 0 ? " O'Brien; --" : "") + (i % 11 == 0 ? " Zoë" : ""));
    })];

    private static string Csv()
    {
        var csv = new StringBuilder("id,country,amount,active,day,name\n");
        foreach (var item in Items)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{item.Id},{item.Country},{item.Amount?.ToString("0.00", CultureInfo.InvariantCulture)},")
                .Append(item.Active switch { null => "", true => "true", false => "false" }).Append(',')
                .Append(item.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append('"').Append(item.Name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\"\n");
        }

        return csv.ToString();
    }

    public static TheoryData<string, string> Filters()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "sqlite", "postgres" })
        {
            foreach (var filter in Expectations.Keys)
            {
                data.Add(kind, filter);
            }
        }

        return data;
    }

    /// <summary>Each filter with what it means, written in C# over the generated items.</summary>
    private static readonly Dictionary<string, Func<Item, bool>> Expectations = new()
    {
        ["country eq 'DE' and amount gt 100"] = i => i.Country == "DE" && i.Amount > 100,
        ["country ne 'DE'"] = i => i.Country != "DE",
        ["amount ge -50.5 and amount lt 0"] = i => i.Amount >= -50.5m && i.Amount < 0,
        ["not (amount gt 0)"] = i => !(i.Amount > 0),
        ["country in ('FR', 'NL') or active eq true"] = i => i.Country is "FR" or "NL" || i.Active == true,
        ["country is null"] = i => i.Country is null,
        ["day is not null and day le 2024-03-01"] = i => i.Day is { } d && d <= new DateOnly(2024, 3, 1),
        ["name contains 'Brien; --'"] = i => i.Name.Contains("Brien; --", StringComparison.Ordinal),
        ["name startswith 'name 1' and not (name contains 'Zoë')"] = i => i.Name.StartsWith("name 1", StringComparison.Ordinal) && !i.Name.Contains("Zoë", StringComparison.Ordinal),
        ["startswith(country, 'd')"] = i => i.Country?.StartsWith('d') == true,
        ["(active eq false or day gt '2024-12-01') and id le 700"] = i => (i.Active == false || i.Day > new DateOnly(2024, 12, 1)) && i.Id <= 700,
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task A_filter_matches_exactly_the_rows_it_means(string kind, string filter)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var page = await Queries(engine).ReadAsync(dataset, new RowsRequest { Filter = filter, Select = "id", Limit = 1000, Count = true }, CancellationToken.None);

        var expected = Items.Where(Expectations[filter]).Select(i => i.Id).ToList();
        Assert.Equal(expected.Count, page.Total);
        Assert.Equal(expected.Take(1000), page.Rows.Select(r => (long)r["id"]!));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Ordering_puts_nulls_first_ascending_and_last_descending_and_ties_in_load_order(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var byAmount = await Ids(engine, dataset, new RowsRequest { OrderBy = "amount desc, country", Select = "id,amount", Limit = 1000 });
        var byCountry = await Ids(engine, dataset, new RowsRequest { OrderBy = "country,day desc", Limit = 1000 });

        Assert.Equal(Items.OrderByDescending(i => i.Amount.HasValue).ThenByDescending(i => i.Amount).ThenBy(i => i.Country, StringComparer.Ordinal).ThenBy(i => i.Id).Take(1000).Select(i => i.Id), byAmount);
        Assert.Equal(Items.OrderBy(i => i.Country, StringComparer.Ordinal).ThenBy(i => !i.Day.HasValue).ThenByDescending(i => i.Day).ThenBy(i => i.Id).Take(1000).Select(i => i.Id), byCountry);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Keyset_pages_walk_every_matching_row_once_in_order(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Queries(engine).ReadAsync(dataset, new RowsRequest { Filter = "id gt 100", OrderBy = "active desc,amount", Select = "id", Limit = 97, Cursor = cursor }, CancellationToken.None);
            seen.AddRange(page.Rows.Select(r => (long)r["id"]!));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 100);

        var expected = Items.Where(i => i.Id > 100)
            .OrderByDescending(i => i.Active.HasValue).ThenByDescending(i => i.Active).ThenBy(i => i.Amount.HasValue).ThenBy(i => i.Amount).ThenBy(i => i.Id)
            .Select(i => i.Id);
        Assert.Equal(expected, seen);
        Assert.Equal((1400 + 96) / 97, pages);
    }

    [Theory]
    [InlineData("sqlite", "id desc")]
    [InlineData("postgres", "id desc")]
    [InlineData("sqlite", "day desc,country")]
    [InlineData("postgres", "day desc,country")]
    [InlineData("sqlite", "country,amount desc")]
    [InlineData("postgres", "country,amount desc")]
    public async Task Keyset_pages_follow_any_order_with_nulls_in_their_place(string kind, string orderBy)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await Queries(engine).ReadAsync(dataset, new RowsRequest { OrderBy = orderBy, Select = "id", Limit = 113, Cursor = cursor }, CancellationToken.None);
            seen.AddRange(page.Rows.Select(r => (long)r["id"]!));
            cursor = page.NextCursor;
        }
        while (cursor is not null && seen.Count <= Items.Count);

        IOrderedEnumerable<Item> expected = orderBy switch
        {
            "id desc" => Items.OrderByDescending(i => i.Id),
            "day desc,country" => Items.OrderBy(i => !i.Day.HasValue).ThenByDescending(i => i.Day).ThenBy(i => i.Country, StringComparer.Ordinal),
            _ => Items.OrderBy(i => i.Country, StringComparer.Ordinal).ThenBy(i => !i.Amount.HasValue).ThenByDescending(i => i.Amount),
        };
        Assert.Equal(expected.ThenBy(i => i.Id).Select(i => i.Id), seen);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Select_answers_only_the_named_columns_in_the_order_named(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var page = await Queries(engine).ReadAsync(dataset, new RowsRequest { Select = "name,id", Limit = 2 }, CancellationToken.None);

        Assert.Equal(["name", "id"], page.Rows[0].Keys);
        Assert.Equal(1500, page.Total);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Aggregates_equal_the_same_query_run_directly_in_the_database(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var result = await Queries(engine).AggregateAsync(dataset, "country", "count(),sum(amount),min(day),max(amount),countdistinct(active)", "id le 1000", 100, CancellationToken.None);

        var warehouse = engine.Get<IWarehouse>();
        await using var connection = await warehouse.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        // Written by hand, the way a user would check it in the database's own shell.
        command.CommandText = kind == "sqlite"
            ? "SELECT country, COUNT(*), ROUND(SUM(CAST(amount AS REAL)), 2), MIN(day), COUNT(DISTINCT active) FROM ds_queried WHERE id <= 1000 GROUP BY country ORDER BY country"
            : "SELECT country, COUNT(*), ROUND(SUM(amount), 2), MIN(day)::text, COUNT(DISTINCT active) FROM ds_queried WHERE id <= 1000 GROUP BY country ORDER BY country NULLS FIRST";
        var expected = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add(string.Join('|', Enumerable.Range(0, 5).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }
        }

        var actual = result.Rows.Select(r => string.Join('|',
            r["country"] ?? "null", r["count()"], Math.Round(Convert.ToDecimal(r["sum(amount)"], CultureInfo.InvariantCulture), 2).ToString(CultureInfo.InvariantCulture),
            r["min(day)"] ?? "null", r["countdistinct(active)"]));
        Assert.Equal(expected.Select(e => Normalise(e)), actual.Select(a => Normalise(a)));
        Assert.Equal(Items.Where(i => i.Id <= 1000).GroupBy(i => i.Country).Count(), result.Rows.Count);
        Assert.Equal(Items.Where(i => i.Id <= 1000 && i.Country == "DE").Max(i => i.Amount), (decimal?)result.Rows.Single(r => (string?)r["country"] == "DE")["max(amount)"]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_csv_export_parses_back_to_the_rows_and_neutralises_formulas(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;
        await engine.LoadAsync("queried", "id,country,amount,active,day,name\n9001,=HYPERLINK(\"x\"),1.00,true,2024-01-01,-2+3\n");
        dataset = await engine.DatasetAsync("queried");

        var csv = await ExportAsync(engine, dataset, "csv", raw: false, filter: "id ge 1495");
        var raw = await ExportAsync(engine, dataset, "csv", raw: true, filter: "id eq 9001");
        var jsonl = await ExportAsync(engine, dataset, "jsonl", raw: false, filter: "id ge 1495");

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,country,amount,active,day,name", lines[0]);
        Assert.Equal(8, lines.Length);
        var last = Items[^1];
        Assert.Equal($"{last.Id},{last.Country},{last.Amount?.ToString("0.00", CultureInfo.InvariantCulture)},{Flag(last.Active)},{last.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)},{Quoted(last.Name)}", lines[^2]);
        Assert.Equal("9001,\"'=HYPERLINK(\"\"x\"\")\",1.00,true,2024-01-01,\"'-2+3\"", lines[^1]);
        Assert.Equal("9001,\"=HYPERLINK(\"\"x\"\")\",1.00,true,2024-01-01,-2+3", raw.Split("\r\n")[1]);
        var objects = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(7, objects.Count);
        Assert.Equal(9001, objects[^1].GetProperty("id").GetInt64());
        Assert.Equal("=HYPERLINK(\"x\")", objects[^1].GetProperty("country").GetString());
    }

    public static TheoryData<string, string> Hostile()
    {
        var data = new TheoryData<string, string>();
        string[] filters =
        [
            "country eq 'DE'; DROP TABLE ds_queried",
            "country eq 'DE' -- and 1 eq 1",
            "country eq 'DE' /* x */",
            "country eq 'DE\\' or 1 eq 1",
            "\"country\" eq 'x' or \"1\" eq \"1\"",
            "ds_queried.country eq 'DE'",
            "ｃountry eq 'DE'",
            "cоuntry eq 'DE'",
            "country eq 'DE' union select * from datasets",
            "country eq",
            "(country eq 'DE'",
            "id eq 1e999999",
            "amount gt '1; drop'",
        ];
        foreach (var kind in new[] { "sqlite", "postgres" })
        {
            foreach (var filter in filters)
            {
                data.Add(kind, filter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_filter_is_refused_and_changes_nothing(string kind, string filter)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;

        var error = await Assert.ThrowsAsync<QueryException>(() => Queries(engine).ReadAsync(dataset, new RowsRequest { Filter = filter }, CancellationToken.None));

        Assert.Equal("filter", error.Parameter);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(1500, await engine.CountRowsAsync("queried"));
    }

    [Theory]
    [InlineData("sqlite", "orderBy")]
    [InlineData("postgres", "select")]
    public async Task An_unknown_column_anywhere_names_the_parameter_and_the_column(string kind, string parameter)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;
        var request = parameter == "orderBy" ? new RowsRequest { OrderBy = "amount, contry" } : new RowsRequest { Select = "id,contry" };

        var error = await Assert.ThrowsAsync<QueryException>(() => Queries(engine).ReadAsync(dataset, request, CancellationToken.None));

        Assert.Equal(parameter, error.Parameter);
        Assert.Contains("contry", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_cursor_from_another_query_is_refused(string kind)
    {
        var (engine, dataset) = await LoadedAsync(kind);
        await using var _ = engine;
        var first = await Queries(engine).ReadAsync(dataset, new RowsRequest { OrderBy = "amount", Limit = 10 }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<QueryException>(() =>
            Queries(engine).ReadAsync(dataset, new RowsRequest { OrderBy = "day", Limit = 10, Cursor = first.NextCursor }, CancellationToken.None));
        var garbage = await Assert.ThrowsAsync<QueryException>(() =>
            Queries(engine).ReadAsync(dataset, new RowsRequest { OrderBy = "amount", Cursor = "eyJzIjoxfQ'; drop" }, CancellationToken.None));

        Assert.Equal(("cursor", "cursor"), (error.Parameter, garbage.Parameter));
    }

    private static string Flag(bool? value) => value switch { null => "", true => "true", false => "false" };

    private static string Quoted(string text) => text.AsSpan().IndexOfAny(",\"") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string Normalise(string row) => row.Replace("True", "1", StringComparison.Ordinal).Replace("False", "0", StringComparison.Ordinal);

    private static DatasetQueries Queries(EngineHost engine) => engine.Get<DatasetQueries>();

    private static async Task<List<long>> Ids(EngineHost engine, Dataset dataset, RowsRequest request) =>
        [.. (await Queries(engine).ReadAsync(dataset, request with { Select = "id" }, CancellationToken.None)).Rows.Select(r => (long)r["id"]!)];

    private static async Task<string> ExportAsync(EngineHost engine, Dataset dataset, string format, bool raw, string filter)
    {
        await using var rows = await Queries(engine).OpenAsync(dataset, filter, null, null, CancellationToken.None);
        using var output = new MemoryStream();
        await RowExports.WriteAsync(format, rows, output, raw, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private async Task<(EngineHost Engine, Dataset Dataset)> LoadedAsync(string kind)
    {
        var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("queried", """{"indexes":[["country"],["amount"]],"columns":[{"name":"amount","type":"decimal"}]}""");
        var run = await engine.LoadAsync("queried", Csv());
        Assert.Equal((RunStatus.Succeeded, 1500L), (run.Status, run.RowsLoaded));
        return (engine, await engine.DatasetAsync("queried"));
    }
}
