using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>The query surface over HTTP on the running platform: rows, aggregate, export, GraphQL and their errors.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class QueryApiTests(PlatformFixture platform)
{
    private const string Csv = "id,country,amount,note\n1,DE,10.50,plain\n2,FR,3.25,=SUM(A1)\n3,DE,-1.00,\n4,NL,7.00,\"a, b\"\n";

    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task Rows_filter_order_select_and_page_by_cursor_over_http()
    {
        await _api.LoadAsync("q-rows", Csv);

        var first = await _api.GetFromJsonAsync<JsonElement>(
            "/api/datasets/q-rows/rows?filter=" + Uri.EscapeDataString("country eq 'DE' or amount gt 5") + "&orderBy=amount%20desc&select=id,amount&limit=2&count=true");
        var second = await _api.GetFromJsonAsync<JsonElement>(
            "/api/datasets/q-rows/rows?filter=" + Uri.EscapeDataString("country eq 'DE' or amount gt 5") + "&orderBy=amount%20desc&select=id,amount&limit=2&cursor=" +
            Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!));

        Assert.Equal(3, first.GetProperty("total").GetInt64());
        Assert.Equal("""[{"id":1,"amount":10.50},{"id":4,"amount":7.00}]""", first.GetProperty("rows").GetRawText());
        Assert.Equal("""[{"id":3,"amount":-1.00}]""", second.GetProperty("rows").GetRawText());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("filter=amount%20equals%205", "filter", 7)]
    [InlineData("filter=contry%20eq%20'DE'", "filter", 0)]
    [InlineData("orderBy=amount,nope", "orderBy", 7)]
    [InlineData("filter=country%20eq%20'DE'%3B%20DROP%20TABLE%20ds_q-bad", "filter", 15)]
    public async Task A_bad_query_is_a_400_naming_the_parameter_and_position(string query, string parameter, int position)
    {
        var dataset = $"q-bad-{parameter}-{position}";
        await _api.LoadAsync(dataset, Csv);

        var response = await _api.GetAsync($"/api/datasets/{dataset}/rows?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var rows = await _api.GetFromJsonAsync<JsonElement>($"/api/datasets/{dataset}/rows");
        Assert.Equal(4, rows.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Aggregate_groups_and_measures_over_http()
    {
        await _api.LoadAsync("q-agg", Csv);

        var result = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/q-agg/aggregate?groupBy=country&measures=" + Uri.EscapeDataString("count(),sum(amount),max(id)"));

        Assert.Equal(
            """[{"country":"DE","count()":2,"sum(amount)":9.5,"max(id)":3},{"country":"FR","count()":1,"sum(amount)":3.25,"max(id)":2},{"country":"NL","count()":1,"sum(amount)":7,"max(id)":4}]""",
            result.GetProperty("rows").GetRawText());
    }

    [Fact]
    public async Task Exports_stream_csv_jsonl_and_parquet_over_http()
    {
        await _api.LoadAsync("q-export", Csv);

        var csv = await _api.GetAsync("/api/datasets/q-export/export?format=csv");
        var raw = await _api.GetStringAsync("/api/datasets/q-export/export?format=csv&raw=true");
        var jsonl = await _api.GetStringAsync("/api/datasets/q-export/export?format=jsonl&filter=" + Uri.EscapeDataString("id eq 2"));
        var parquet = await _api.GetByteArrayAsync("/api/datasets/q-export/export?format=parquet");
        var bad = await _api.GetAsync("/api/datasets/q-export/export?format=xml");

        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType!.ToString());
        Assert.Equal("q-export.csv", csv.Content.Headers.ContentDisposition!.FileNameStar ?? csv.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(
            "id,country,amount,note\r\n1,DE,10.50,plain\r\n2,FR,3.25,\"'=SUM(A1)\"\r\n3,DE,-1.00,\r\n4,NL,7.00,\"a, b\"\r\n",
            await csv.Content.ReadAsStringAsync());
        Assert.Contains("2,FR,3.25,=SUM(A1)\r\n", raw, StringComparison.Ordinal);
        Assert.Equal("{\"id\":2,\"country\":\"FR\",\"amount\":3.25,\"note\":\"=SUM(A1)\"}\n", jsonl);
        Assert.Equal("PAR1"u8.ToArray(), parquet[..4]);
        Assert.Equal("PAR1"u8.ToArray(), parquet[^4..]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task GraphQl_answers_a_dataset_as_its_own_typed_field_with_the_same_filter()
    {
        await _api.LoadAsync("q-graph", Csv);
        var query = new { query = "{ q_graph(filter: \"country eq 'DE'\", orderBy: \"amount\") { total rows { id amount country } } }" };

        var response = await _api.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(query), Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        Assert.Equal(
            """{"total":null,"rows":[{"id":3,"amount":-1.00,"country":"DE"},{"id":1,"amount":10.50,"country":"DE"}]}""",
            body.GetProperty("data").GetProperty("q_graph").GetRawText());
    }

    [Fact]
    public async Task A_dataset_with_documents_on_pages_its_records_from_the_cosmos_stand_in()
    {
        var put = await _api.PutAsync("/api/datasets/q-docs", new StringContent("""{"documents": true}""", Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
        await _api.LoadAsync("q-docs", Csv);

        var first = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/q-docs/documents?limit=3");
        var rest = await _api.GetFromJsonAsync<JsonElement>(
            "/api/datasets/q-docs/documents?limit=3&continuation=" + Uri.EscapeDataString(first.GetProperty("continuation").GetString()!));
        await _api.LoadAsync("q-docs-off", Csv);
        var without = await _api.GetAsync("/api/datasets/q-docs-off/documents");

        var records = first.GetProperty("documents").EnumerateArray().Concat(rest.GetProperty("documents").EnumerateArray())
            .Select(d => d.GetProperty("record")).OrderBy(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(4, records.Count);
        Assert.Equal("""{"id":2,"country":"FR","amount":3.25,"note":"=SUM(A1)"}""", records[1].GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
    }
}
