using System.Net.Http.Json;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>
/// The real AppHost with <c>--warehouse postgres</c>: it runs initdb and a PostgreSQL server from the machine's
/// binaries, migrates the catalog into it, and the platform loads, queries and exports there.
/// </summary>
public sealed class PostgresPlatformFixture() : PlatformFixture(["--warehouse", "postgres", "--Diviora:Documents", "false"]);

[CollectionDefinition(Name)]
public sealed class PostgresPlatformCollection : ICollectionFixture<PostgresPlatformFixture>
{
    public const string Name = "platform on postgres";
}

[Collection(PostgresPlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class PostgresPlatformTests(PostgresPlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task An_upload_lands_in_postgres_typed_and_answers_queries_and_exports()
    {
        var first = await _api.LoadAsync("pg-sales", "id,country,amount,day,at\n1,DE,10.50,2024-01-31,2024-01-31T10:00:00+02:00\n2,FR,3.25,,\n");
        var second = await _api.LoadAsync("pg-sales", "id,country,amount,day,at,extra\n3,DE,7,2024-02-01,2024-02-01T00:00:00Z,x\n");

        Assert.Equal(("Succeeded", "Succeeded"), (first.GetProperty("status").GetString(), second.GetProperty("status").GetString()));
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/pg-sales");
        Assert.Equal(
            "id:integer country:text amount:decimal day:date at:timestamptz extra:text",
            string.Join(' ', dataset.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("type").GetString()}")));
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/pg-sales/rows?orderBy=amount%20desc&filter=" + Uri.EscapeDataString("country eq 'DE'"));
        Assert.Equal(
            """[{"id":1,"country":"DE","amount":10.50,"day":"2024-01-31","at":"2024-01-31T08:00:00+00:00","extra":null},{"id":3,"country":"DE","amount":7,"day":"2024-02-01","at":"2024-02-01T00:00:00+00:00","extra":"x"}]""",
            rows.GetProperty("rows").GetRawText());
        var csv = await _api.GetStringAsync("/api/datasets/pg-sales/export?format=csv&select=id,amount");
        Assert.Equal("id,amount\r\n1,10.50\r\n2,3.25\r\n3,7\r\n", csv);
        var aggregate = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/pg-sales/aggregate?groupBy=country&measures=" + Uri.EscapeDataString("count(),sum(amount)"));
        Assert.Equal("""[{"country":"DE","count()":2,"sum(amount)":17.50},{"country":"FR","count()":1,"sum(amount)":3.25}]""", aggregate.GetProperty("rows").GetRawText());
    }
}
