using System.Globalization;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Query;
using Diviora.Core.Warehouse;

namespace Diviora.Tests.Warehouse;

/// <summary>
/// Loading, upsert, replace, schema evolution and rejects behave the same on every warehouse: each test runs on
/// SQLite and on a real PostgreSQL server, and reads the rows back through the query surface.
/// </summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class WarehouseLoadTests(WarehouseFixture fixture)
{
    public const string Typed =
        "id,country,amount,ratio,active,day,at,atz,note\n" +
        "1,DE,10.50,1e3,true,2024-01-31,2024-01-31T10:00:00,2024-01-31T10:00:00+02:00,\"plain, with comma\"\n" +
        "2,FR,-3.25,2.5E-3,false,2024-02-29,2024-02-29 23:59:59.5,2024-02-29T23:59:59Z,=1+2\n" +
        "3,,0.00,,,,,,\"say \"\"hi\"\"\"\n";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Every_type_loads_and_reads_back_as_the_file_wrote_it(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);

        var run = await engine.LoadAsync("typed", Typed);

        Assert.Equal((RunStatus.Succeeded, 3L, 0L), (run.Status, run.RowsLoaded, run.RowsRejected));
        var dataset = await engine.DatasetAsync("typed");
        Assert.Equal(
            ["integer", "text", "decimal", "double", "boolean", "date", "timestamp", "timestamptz", "text"],
            dataset.Columns.OrderBy(c => c.Ordinal).Select(c => Diviora.Core.Ingestion.Schema.ColumnValues.Name(c.Type)));
        var rows = await ReadAllAsync(engine, "typed");
        Assert.Equal(
            """[{"id":1,"country":"DE","amount":10.50,"ratio":1000,"active":true,"day":"2024-01-31","at":"2024-01-31T10:00:00","atz":"INSTANT1","note":"plain, with comma"},""" +
            """{"id":2,"country":"FR","amount":-3.25,"ratio":0.0025,"active":false,"day":"2024-02-29","at":"2024-02-29T23:59:59.5","atz":"2024-02-29T23:59:59+00:00","note":"=1+2"},""" +
            """{"id":3,"country":null,"amount":0.00,"ratio":null,"active":null,"day":null,"at":null,"atz":null,"note":"say \"hi\""}]""",
            rows.Replace(kind == "sqlite" ? "2024-01-31T10:00:00+02:00" : "2024-01-31T08:00:00+00:00", "INSTANT1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sqlite_and_postgres_give_the_same_rows_types_and_rejects_for_the_same_file()
    {
        const string Csv = "id,amount,day,label\n1,1.5,2024-01-01,a\n2,oops,2024-01-02,b\n3,2.25,2024-13-01,c\n4,3,2024-01-04,d\n";
        var answers = new List<string>();
        foreach (var kind in new[] { "sqlite", "postgres" })
        {
            await using var engine = await fixture.EngineAsync(kind);
            await engine.SetSettingsAsync("same", """{"columns":[{"name":"amount","type":"decimal"},{"name":"day","type":"date"}]}""");
            var run = await engine.LoadAsync("same", Csv);
            var rejects = await engine.Get<RejectsReader>().ReadPageAsync(run.RejectsBlob!, 0, 100, CancellationToken.None);
            var dataset = await engine.DatasetAsync("same");
            answers.Add(JsonSerializer.Serialize(new
            {
                run.RowsLoaded,
                run.RowsRejected,
                Types = dataset.Columns.OrderBy(c => c.Ordinal).Select(c => $"{c.Name}:{c.Type}:{c.Nullable}"),
                Rows = await ReadAllAsync(engine, "same"),
                Rejects = rejects.Select(r => $"{r.RowNumber}|{r.Column}|{r.Value}|{r.Reason}"),
            }));
        }

        Assert.Contains("\"RowsRejected\":2", answers[0], StringComparison.Ordinal);
        Assert.Equal(answers[0], answers[1]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Upsert_merges_on_the_key_and_the_last_row_of_a_file_wins(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("people", """{"mode":"upsert","key":["id"]}""");

        await engine.LoadAsync("people", "id,name\n1,Ann\n2,Bob\n");
        var second = await engine.LoadAsync("people", "id,name\n2,Bobby\n3,Cy\n3,Cyd\n");

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal("""[{"id":1,"name":"Ann"},{"id":2,"name":"Bobby"},{"id":3,"name":"Cyd"}]""", await ReadAllAsync(engine, "people", "id"));
        Assert.Equal(3, (await engine.DatasetAsync("people")).RowCount);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Upsert_on_a_decimal_key_merges_values_equal_as_numbers(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("prices", """{"mode":"upsert","key":["code"],"columns":[{"name":"code","type":"integer"}]}""");

        await engine.LoadAsync("prices", "code,price\n10,1.5\n20,2.5\n");
        var run = await engine.LoadAsync("prices", "code,price\n10,1.75\n");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("""[{"code":10,"price":1.75},{"code":20,"price":2.5}]""", await ReadAllAsync(engine, "prices", "code"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Replace_swaps_the_rows_and_append_with_a_key_rejects_repeats(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("snap", """{"mode":"replace"}""");
        await engine.LoadAsync("snap", "id\n1\n2\n3\n");
        await engine.LoadAsync("snap", "id\n7\n");
        Assert.Equal("""[{"id":7}]""", await ReadAllAsync(engine, "snap"));

        await engine.SetSettingsAsync("keyed", """{"key":["id"]}""");
        await engine.LoadAsync("keyed", "id,v\n1,a\n2,b\n");
        var run = await engine.LoadAsync("keyed", "id,v\n2,again\n3,c\n3,twice\n");
        Assert.True(run.Status == RunStatus.Succeeded, run.Error);
        Assert.Equal((1L, 2L), (run.RowsLoaded, run.RowsRejected));
        Assert.Equal("""[{"id":1,"v":"a"},{"id":2,"v":"b"},{"id":3,"v":"c"}]""", await ReadAllAsync(engine, "keyed", "id"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Schema_evolves_new_columns_are_added_and_types_widen_keeping_stored_values(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.LoadAsync("evolve", "id,qty,flag,day\n1,5,true,2024-01-01\n");

        var run = await engine.LoadAsync("evolve", "id,qty,flag,day,extra\n2,2.5,maybe,2024-01-02T08:30:00,x\n");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var dataset = await engine.DatasetAsync("evolve");
        Assert.Equal("id:Integer qty:Decimal flag:Text day:Timestamp extra:Text",
            string.Join(' ', dataset.Columns.OrderBy(c => c.Ordinal).Select(c => $"{c.Name}:{c.Type}")));
        Assert.Equal(
            """[{"id":1,"qty":5,"flag":"true","day":"2024-01-01T00:00:00","extra":null},{"id":2,"qty":2.5,"flag":"maybe","day":"2024-01-02T08:30:00","extra":"x"}]""",
            await ReadAllAsync(engine, "evolve"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_indexed_key_column_can_still_widen(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("widen-indexed", """{"mode": "upsert", "key": ["code"], "indexes": [["amount"], ["code", "amount"]]}""");
        await engine.LoadAsync("widen-indexed", "code,amount\n1,1.5\n2,2\n");

        var run = await engine.LoadAsync("widen-indexed", "code,amount\nA-1,lots\n2,3\n");

        Assert.True(run.Status == RunStatus.Succeeded, run.Error);
        var dataset = await engine.DatasetAsync("widen-indexed");
        Assert.Equal("code:Text amount:Text", string.Join(' ', dataset.Columns.OrderBy(c => c.Ordinal).Select(c => $"{c.Name}:{c.Type}")));
        Assert.Equal("""[{"code":"1","amount":"1.5"},{"code":"2","amount":"3"},{"code":"A-1","amount":"lots"}]""", await ReadAllAsync(engine, "widen-indexed", "code"));
        var warehouse = engine.Get<IWarehouse>();
        await using var connection = await warehouse.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = kind == "sqlite"
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ds_widen-indexed'"
            : "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'ds_widen-indexed' AND indexname <> 'ds_widen-indexed__pk'";
        // The key's unique index and both declared ones are there again.
        Assert.Equal(3L, Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_decimal_widened_to_text_keeps_no_precision_or_scale()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await engine.LoadAsync("widen-decimal", "id,q\n1,2.5\n");

        await engine.LoadAsync("widen-decimal", "id,q\n2,many\n");

        var q = (await engine.DatasetAsync("widen-decimal")).Columns.Single(c => c.Name == "q");
        Assert.Equal((ColumnType.Text, (int?)null, (int?)null), (q.Type, q.Precision, q.Scale));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_failing_run_leaves_the_dataset_exactly_as_it_was(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.LoadAsync("kept", "id,name\n1,a\n2,b\n");
        await engine.SetSettingsAsync("kept", """{"onInvalidRow":"fail","columns":[{"name":"id","type":"integer"}]}""");

        var run = await engine.LoadAsync("kept", "id,name,extra\n3,c,x\nfour,d,y\n");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("four", run.Error, StringComparison.Ordinal);
        var dataset = await engine.DatasetAsync("kept");
        Assert.Equal(2, dataset.Columns.Count);
        Assert.Equal("""[{"id":1,"name":"a"},{"id":2,"name":"b"}]""", await ReadAllAsync(engine, "kept"));
        Assert.Equal(2, await engine.CountRowsAsync("kept"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Declared_indexes_are_built_by_the_next_run(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("indexed", """{"indexes":[["country"],["amount","day"]]}""");

        await engine.LoadAsync("indexed", "country,amount,day\nDE,1.5,2024-01-01\n");

        var warehouse = engine.Get<IWarehouse>();
        await using var connection = await warehouse.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = kind == "sqlite"
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ds_indexed' AND name LIKE 'ds_indexed__ix_%'"
            : "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'ds_indexed' AND indexname LIKE 'ds_indexed__ix_%'";
        Assert.Equal(2L, Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every row of a dataset through the rows query, as JSON.</summary>
    internal static async Task<string> ReadAllAsync(Engine.EngineHost engine, string name, string? orderBy = null)
    {
        var dataset = await engine.DatasetAsync(name);
        var page = await engine.Get<DatasetQueries>().ReadAsync(dataset, new RowsRequest { OrderBy = orderBy, Limit = DatasetQueries.MaxLimit }, CancellationToken.None);
        return JsonSerializer.Serialize(page.Rows, Readable);
    }
}
