using System.Text.Json.Nodes;
using Diviora.Core.Catalog;
using Diviora.Core.Documents;
using Diviora.Tests.Engine;

namespace Diviora.Tests.Warehouse;

/// <summary>
/// Datasets with <c>"documents": true</c> keep each loaded record in the Cosmos stand-in too, on SQLite and PostgreSQL:
/// typed rows for CSV, nested records for JSON, ids that follow the key, nothing of rejected rows or failed runs.
/// </summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class DocumentsTests(WarehouseFixture fixture)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_csv_run_keeps_its_loaded_rows_as_typed_documents_and_not_its_rejects(string kind)
    {
        await using var engine = await fixture.EngineWithDocumentsAsync(kind);
        var dataset = $"docs-csv-{kind}";
        await engine.SetSettingsAsync(dataset, """{"documents": true, "columns": [{"name": "qty", "type": "integer"}]}""");

        var run = await engine.LoadAsync(dataset, "id,qty,price,day\n1,2,1.50,2024-01-01\n2,lots,2.00,2024-01-02\n3,4,,\n");

        Assert.Equal((RunStatus.Succeeded, 2L, 1L), (run.Status, run.RowsLoaded, run.RowsRejected));
        var documents = await AllAsync(engine, dataset);
        Assert.Equal(2, documents.Count);
        var first = documents.Single(d => (long)d["row"]! == 1);
        Assert.Equal($"{run.Id:N}-1", (string)first["id"]!);
        Assert.Equal(run.Id.ToString(), (string)first["run"]!);
        // Cosmos DB keeps JSON numbers as doubles, so 1.50 comes back as 1.5; the warehouse keeps the scale.
        Assert.Equal("""{"id":1,"qty":2,"price":1.5,"day":"2024-01-01"}""", first["record"]!.ToJsonString());
        Assert.Equal("""{"id":3,"qty":4,"price":null,"day":null}""", documents.Single(d => (long)d["row"]! == 3)["record"]!.ToJsonString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_json_run_keeps_the_nesting_and_an_upsert_replaces_the_document_of_its_key(string kind)
    {
        await using var engine = await fixture.EngineWithDocumentsAsync(kind);
        var dataset = $"docs-json-{kind}";
        await engine.SetSettingsAsync(dataset, """{"documents": true, "mode": "upsert", "key": ["id"]}""");

        await engine.LoadAsync(dataset, """[{"id": 1, "address": {"city": "Berlin", "zip": "10115"}, "tags": ["a", "b"]}, {"id": 2, "address": {"city": "Paris"}}]""", "people.json");
        var second = await engine.LoadAsync(dataset, """{"id": 2, "address": {"city": "Lyon"}}""" + "\n", "people.jsonl");

        Assert.Equal(RunStatus.Succeeded, second.Status);
        var documents = await AllAsync(engine, dataset);
        Assert.Equal(["1", "2"], documents.Select(d => (string)d["id"]!).Order());
        Assert.Equal("""{"id":1,"address":{"city":"Berlin","zip":"10115"},"tags":["a","b"]}""", documents.Single(d => (string)d["id"]! == "1")["record"]!.ToJsonString());
        var replaced = documents.Single(d => (string)d["id"]! == "2");
        Assert.Equal("""{"id":2,"address":{"city":"Lyon"}}""", replaced["record"]!.ToJsonString());
        Assert.Equal(second.Id.ToString(), (string)replaced["run"]!);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Replace_keeps_only_the_last_runs_documents_and_a_failed_run_leaves_none(string kind)
    {
        await using var engine = await fixture.EngineWithDocumentsAsync(kind);
        var dataset = $"docs-replace-{kind}";
        await engine.SetSettingsAsync(dataset, """{"documents": true, "mode": "replace"}""");
        await engine.LoadAsync(dataset, "n\n1\n2\n3\n");
        var kept = await engine.LoadAsync(dataset, "n\n7\n");
        await engine.SetSettingsAsync(dataset, """{"documents": true, "mode": "replace", "maxRejectedPercent": 10, "columns": [{"name": "n", "type": "integer"}]}""");

        var failed = await engine.LoadAsync(dataset, "n\n8\n9\nx\n");

        Assert.Equal(RunStatus.Failed, failed.Status);
        var documents = await AllAsync(engine, dataset);
        var only = Assert.Single(documents);
        Assert.Equal(kept.Id.ToString(), (string)only["run"]!);
        Assert.Equal("""{"n":7}""", only["record"]!.ToJsonString());
    }

    [Fact]
    public async Task An_append_with_a_key_keeps_the_first_document_of_a_key_as_it_keeps_the_first_row()
    {
        await using var engine = await fixture.EngineWithDocumentsAsync("sqlite");
        await engine.SetSettingsAsync("docs-keyed", """{"documents": true, "key": ["code"]}""");
        await engine.LoadAsync("docs-keyed", "code,v\nA/1,first\n");

        var run = await engine.LoadAsync("docs-keyed", "code,v\nA/1,again\nB,b\nB,twice\n");

        Assert.Equal((1L, 2L), (run.RowsLoaded, run.RowsRejected));
        var documents = await AllAsync(engine, "docs-keyed");
        Assert.Equal(2, documents.Count);
        Assert.Equal("first", (string)documents.Single(d => (string)d["record"]!["code"]! == "A/1")["record"]!["v"]!);
        Assert.StartsWith("k-", (string)documents.Single(d => (string)d["record"]!["code"]! == "A/1")["id"]!, StringComparison.Ordinal);
        Assert.Equal("b", (string)documents.Single(d => (string)d["id"]! == "B")["record"]!["v"]!);
    }

    [Fact]
    public async Task A_failed_upsert_run_leaves_the_documents_of_earlier_runs_in_place()
    {
        await using var engine = await fixture.EngineWithDocumentsAsync("sqlite");
        await engine.SetSettingsAsync("docs-upsert-fail", """{"documents": true, "mode": "upsert", "key": ["id"], "maxRejectedPercent": 10, "columns": [{"name": "n", "type": "integer"}]}""");
        var first = await engine.LoadAsync("docs-upsert-fail", "id,n\n1,10\n2,20\n");

        var failed = await engine.LoadAsync("docs-upsert-fail", "id,n\n3,30\n4,x\n");

        Assert.Equal(RunStatus.Failed, failed.Status);
        var documents = await AllAsync(engine, "docs-upsert-fail");
        Assert.Equal(["1", "2"], documents.Where(d => (string)d["run"]! == first.Id.ToString()).Select(d => (string)d["id"]!).Order());
    }

    private static async Task<List<JsonObject>> AllAsync(EngineHost engine, string dataset)
    {
        var store = engine.Get<IDocumentStore>();
        var all = new List<JsonObject>();
        string? continuation = null;
        do
        {
            var page = await store.ReadPageAsync(dataset, 100, continuation, CancellationToken.None);
            all.AddRange(page.Documents);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return all;
    }
}
