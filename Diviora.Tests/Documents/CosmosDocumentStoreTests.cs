using System.Text.Json.Nodes;
using Diviora.Core.Documents;

namespace Diviora.Tests.Documents;

/// <summary>The Cosmos DB document store on the real npm stand-in; each test writes its own dataset (partition).</summary>
[Trait("Category", "Platform")]
public sealed class CosmosDocumentStoreTests(CosmosStandIn cosmos) : IClassFixture<CosmosStandIn>
{
    private static readonly string[] SystemProperties = ["_rid", "_self", "_etag", "_attachments", "_ts"];

    [Fact]
    public async Task Pages_of_100_return_250_documents_once_each_without_system_properties_and_with_nested_records()
    {
        var store = cosmos.Store();
        var dataset = NewDataset();
        var run = Guid.CreateVersion7();
        await store.UpsertAsync(dataset, [.. Enumerable.Range(1, 250).Select(row => Document(dataset, run, row))], CancellationToken.None);

        var pages = new List<DocumentsPage>();
        string? continuation = null;
        do
        {
            var page = await store.ReadPageAsync(dataset, 100, continuation, CancellationToken.None);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 10);

        Assert.Equal([100, 100, 50], pages.Select(page => page.Documents.Count));
        var documents = pages.SelectMany(page => page.Documents).ToList();
        Assert.Equal(Enumerable.Range(1, 250).Select(row => $"{run:N}-{row}").Order(), documents.Select(d => (string)d["id"]!).Order());
        Assert.All(documents, document =>
        {
            Assert.All(SystemProperties, property => Assert.False(document.ContainsKey(property), $"{property} is still there"));
            Assert.Equal(["id", "dataset", "run", "row", "record"], document.Select(property => property.Key));
            var row = (int)document["row"]!;
            Assert.Equal($"{run:N}-{row}", (string)document["id"]!);
            Assert.Equal($"city {row}", (string)document["record"]!["address"]!["city"]!);
            Assert.Equal(row * 1.5m, (decimal)document["record"]!["amount"]!);
            Assert.Equal([row, row + 1], document["record"]!["tags"]!.AsArray().Select(tag => (int)tag!));
            Assert.Null(document["record"]!["missing"]);
            Assert.True(document["record"]!.AsObject().ContainsKey("missing"));
        });
    }

    [Fact]
    public async Task Upserting_an_existing_id_replaces_the_document()
    {
        var store = cosmos.Store();
        var dataset = NewDataset();
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        var original = Document(dataset, first, 1, id: "order-1");
        original["record"]!["extra"] = "only in the first";
        await store.UpsertAsync(dataset, [original, Document(dataset, first, 2, id: "order-2")], CancellationToken.None);

        await store.UpsertAsync(dataset, [Document(dataset, second, 7, id: "order-1")], CancellationToken.None);

        var documents = await ReadAllAsync(store, dataset);
        Assert.Equal(["order-1", "order-2"], documents.Select(d => (string)d["id"]!).Order());
        var replaced = documents.Single(d => (string)d["id"]! == "order-1");
        Assert.Equal(second.ToString("D"), (string)replaced["run"]!);
        Assert.Equal(7, (int)replaced["row"]!);
        Assert.False(replaced["record"]!.AsObject().ContainsKey("extra"));
    }

    [Fact]
    public async Task DeleteOtherRunsAsync_keeps_only_that_runs_documents_and_leaves_other_datasets_alone()
    {
        var store = cosmos.Store();
        var dataset = NewDataset();
        var neighbour = NewDataset();
        var (old, kept) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // More than one page of ids to delete (the store pages its delete query by 1000).
        await store.UpsertAsync(dataset, [.. Enumerable.Range(1, 1200).Select(row => Document(dataset, old, row))], CancellationToken.None);
        await store.UpsertAsync(dataset, [.. Enumerable.Range(1, 30).Select(row => Document(dataset, kept, row))], CancellationToken.None);
        // The neighbour shares the old run id: only the partition keeps it out of reach.
        await store.UpsertAsync(neighbour, [.. Enumerable.Range(1, 20).Select(row => Document(neighbour, old, row))], CancellationToken.None);

        await store.DeleteOtherRunsAsync(dataset, kept, CancellationToken.None);

        var left = await ReadAllAsync(store, dataset);
        Assert.Equal(30, left.Count);
        Assert.All(left, document => Assert.Equal(kept.ToString("D"), (string)document["run"]!));
        Assert.Equal(20, (await ReadAllAsync(store, neighbour)).Count);
    }

    [Fact]
    public async Task DeleteRunAsync_deletes_only_that_runs_documents()
    {
        var store = cosmos.Store();
        var dataset = NewDataset();
        var (failed, earlier) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await store.UpsertAsync(dataset, [.. Enumerable.Range(1, 40).Select(row => Document(dataset, earlier, row))], CancellationToken.None);
        await store.UpsertAsync(dataset, [.. Enumerable.Range(1, 25).Select(row => Document(dataset, failed, row))], CancellationToken.None);

        await store.DeleteRunAsync(dataset, failed, CancellationToken.None);
        await store.DeleteRunAsync(dataset, failed, CancellationToken.None);

        var left = await ReadAllAsync(store, dataset);
        Assert.Equal(40, left.Count);
        Assert.All(left, document => Assert.Equal(earlier.ToString("D"), (string)document["run"]!));
    }

    [Fact]
    public async Task An_empty_dataset_pages_to_nothing()
    {
        var page = await cosmos.Store().ReadPageAsync(NewDataset(), 100, null, CancellationToken.None);

        Assert.Empty(page.Documents);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task A_document_of_another_dataset_is_refused_before_anything_is_written()
    {
        var store = cosmos.Store();
        var dataset = NewDataset();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(
            dataset, [Document(dataset, Guid.CreateVersion7(), 1), Document("elsewhere", Guid.CreateVersion7(), 2)], CancellationToken.None));

        Assert.Contains("Document 1", error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadPageAsync(dataset, 10, null, CancellationToken.None)).Documents);
    }

    private static string NewDataset() => "documents_" + Guid.NewGuid().ToString("N")[..12];

    private static JsonObject Document(string dataset, Guid run, int row, string? id = null) => new()
    {
        ["id"] = id ?? $"{run:N}-{row}",
        ["dataset"] = dataset,
        ["run"] = run.ToString("D"),
        ["row"] = row,
        ["record"] = new JsonObject
        {
            ["amount"] = row * 1.5m,
            ["address"] = new JsonObject { ["city"] = $"city {row}", ["zip"] = $"{10000 + row}" },
            ["tags"] = new JsonArray(row, row + 1),
            ["missing"] = null,
        },
    };

    private static async Task<List<JsonObject>> ReadAllAsync(CosmosDocumentStore store, string dataset)
    {
        var documents = new List<JsonObject>();
        string? continuation = null;
        do
        {
            var page = await store.ReadPageAsync(dataset, 100, continuation, CancellationToken.None);
            documents.AddRange(page.Documents);
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return documents;
    }
}
