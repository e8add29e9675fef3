using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;

namespace Diviora.Core.Documents;

/// <summary>
/// The document store on Azure Cosmos DB (NoSQL API): database <c>diviora</c>, container <c>documents</c>, partition key
/// <c>/dataset</c>. The database and container are created if missing, once, on the first call that needs them.
/// </summary>
/// <remarks>
/// Every call stays inside one partition and uses only what the local stand-in (npm <c>@vercel/cosmosdb-server</c>)
/// also serves: point upserts and deletes, and simple queries with a continuation. So there is no bulk mode and no
/// TransactionalBatch (upserts go one by one, 16 in flight), no query needing a query plan (no ORDER BY: pages come in
/// storage order, which is not the order the documents were written; no TOP, COUNT or cross-partition queries), and each
/// query repeats <c>c.dataset = @dataset</c> in its WHERE because the stand-in ignores the partition key option.
/// <para>
/// A document's <c>run</c> is the run id as a string in the <c>D</c> format (what System.Text.Json writes for a
/// <see cref="Guid"/>); the deletes compare it so. An upsert of many documents is not atomic: a failure leaves the ones
/// already written, which <see cref="DeleteRunAsync"/> removes. Continuation tokens are the SDK's, opaque JSON text.
/// </para>
/// </remarks>
public sealed class CosmosDocumentStore : IDocumentStore
{
    /// <summary>The database that holds the documents container.</summary>
    public const string DatabaseName = "diviora";

    /// <summary>The container of every dataset's documents.</summary>
    public const string ContainerName = "documents";

    /// <summary>The container's partition key path: a document's dataset.</summary>
    public const string PartitionKeyPath = "/dataset";

    // Enough to keep the gateway busy without queueing thousands of requests in the SDK; the SDK retries 429s itself.
    private const int RequestsInFlight = 16;

    // What Cosmos adds to every stored document; a reader asked for the dataset's documents, not for these.
    private static readonly string[] SystemProperties = ["_rid", "_self", "_etag", "_attachments", "_ts"];

    private static readonly ItemRequestOptions NoContentResponse = new() { EnableContentResponseOnWrite = false };

    private readonly CosmosClient _client;
    private readonly Lock _creating = new();
    private Task<Container>? _container;

    /// <summary>Uses <paramref name="client"/>, which must serialize with System.Text.Json (see <see cref="CosmosConnection"/>).</summary>
    public CosmosDocumentStore(CosmosClient client) => _client = client;

    /// <inheritdoc />
    public async Task UpsertAsync(string dataset, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken)
    {
        CheckPartition(dataset, documents);
        var container = await ContainerAsync(cancellationToken);
        var partition = new PartitionKey(dataset);
        // Writes run in parallel, so a batch that repeats an id keeps only its last document of it: the last row wins.
        var lastOfEach = documents.Select((d, i) => (Id: (string?)d["id"], Index: i)).GroupBy(d => d.Id).Select(g => documents[g.Max(d => d.Index)]);
        await Parallel.ForEachAsync(lastOfEach, Concurrency(cancellationToken), async (document, token) =>
            await container.UpsertItemAsync(document, partition, NoContentResponse, token));
    }

    /// <inheritdoc />
    public async Task InsertAsync(string dataset, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken)
    {
        CheckPartition(dataset, documents);
        var container = await ContainerAsync(cancellationToken);
        var partition = new PartitionKey(dataset);
        // Writes run in parallel, so a batch that repeats an id sends only its first document of it: the first row wins.
        var firstOfEach = documents.DistinctBy(d => (string?)d["id"]);
        await Parallel.ForEachAsync(firstOfEach, Concurrency(cancellationToken), async (document, token) =>
        {
            try
            {
                await container.CreateItemAsync(document, partition, NoContentResponse, token);
            }
            catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // The id is there already: the first document of a key stays, as its row does.
            }
        });
    }

    private static void CheckPartition(string dataset, IReadOnlyList<JsonObject> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        for (var index = 0; index < documents.Count; index++)
        {
            // Cosmos refuses a document whose own partition key differs from the request's; the stand-in would store it.
            var own = documents[index]["dataset"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (!string.Equals(own, dataset, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Document {index} (id '{documents[index]["id"]}') has dataset '{own}', but it is written to dataset '{dataset}'.", nameof(documents));
            }
        }
    }

    /// <inheritdoc />
    public Task DeleteOtherRunsAsync(string dataset, Guid runId, CancellationToken cancellationToken) =>
        DeleteWhereAsync(dataset, "SELECT c.id FROM c WHERE c.dataset = @dataset AND c.run != @run", runId, cancellationToken);

    /// <inheritdoc />
    public Task DeleteRunAsync(string dataset, Guid runId, CancellationToken cancellationToken) =>
        DeleteWhereAsync(dataset, "SELECT c.id FROM c WHERE c.dataset = @dataset AND c.run = @run", runId, cancellationToken);

    /// <inheritdoc />
    public async Task<DocumentsPage> ReadPageAsync(string dataset, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var container = await ContainerAsync(cancellationToken);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.dataset = @dataset").WithParameter("@dataset", dataset);
        using var iterator = container.GetItemQueryIterator<JsonObject>(query, continuation, PartitionOptions(dataset, limit));
        if (!iterator.HasMoreResults)
        {
            return new DocumentsPage([], null);
        }

        var response = await iterator.ReadNextAsync(cancellationToken);
        var documents = new List<JsonObject>(response.Count);
        foreach (var document in response)
        {
            foreach (var property in SystemProperties)
            {
                document.Remove(property);
            }

            documents.Add(document);
        }

        return new DocumentsPage(documents, response.ContinuationToken);
    }

    /// <summary>Pages through the ids <paramref name="sql"/> selects and deletes each page before reading the next.</summary>
    /// <remarks>
    /// Deleting between pages is safe: a continuation points at a position in the partition (the stand-in's at a
    /// <c>_rid</c>), not at an offset that deletes would shift.
    /// </remarks>
    private async Task DeleteWhereAsync(string dataset, string sql, Guid runId, CancellationToken cancellationToken)
    {
        var container = await ContainerAsync(cancellationToken);
        var partition = new PartitionKey(dataset);
        var query = new QueryDefinition(sql).WithParameter("@dataset", dataset).WithParameter("@run", runId.ToString("D"));
        using var iterator = container.GetItemQueryIterator<JsonObject>(query, null, PartitionOptions(dataset, 1000));
        while (iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync(cancellationToken);
            await Parallel.ForEachAsync(page, Concurrency(cancellationToken), async (row, token) =>
            {
                var id = row["id"]!.GetValue<string>();
                using var response = await container.DeleteItemStreamAsync(id, partition, cancellationToken: token);
                // 404: deleted meanwhile (say by a concurrent delete of the same run), which is what was asked. Only reads of a
                // missing item answer the stand-in's 500; its deletes answer 404 like Cosmos.
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                {
                    throw new CosmosException(
                        $"Deleting document '{id}' of dataset '{dataset}' failed: {response.ErrorMessage}",
                        response.StatusCode, 0, response.Headers.ActivityId, response.Headers.RequestCharge);
                }
            });
        }
    }

    private static QueryRequestOptions PartitionOptions(string dataset, int maxItemCount) =>
        new() { PartitionKey = new PartitionKey(dataset), MaxItemCount = maxItemCount };

    private static ParallelOptions Concurrency(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = RequestsInFlight, CancellationToken = cancellationToken };

    /// <summary>
    /// The container, created with its database on first use. Creation runs once for all callers (none of their
    /// cancellation tokens stops it halfway); a failed creation is tried again by the next call.
    /// </summary>
    private Task<Container> ContainerAsync(CancellationToken cancellationToken)
    {
        lock (_creating)
        {
            if (_container is null || _container.IsFaulted || _container.IsCanceled)
            {
                _container = CreateContainerAsync();
            }

            return _container.WaitAsync(cancellationToken);
        }
    }

    private async Task<Container> CreateContainerAsync()
    {
        try
        {
            Database database = await _client.CreateDatabaseIfNotExistsAsync(DatabaseName);
            Container container = await database.CreateContainerIfNotExistsAsync(new ContainerProperties(ContainerName, PartitionKeyPath));
            return container;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            // Microsoft Entra identities get data-plane roles only: creating a database or container needs the control plane.
            throw new InvalidOperationException(
                $"The Cosmos DB account refused to create database '{DatabaseName}' or container '{ContainerName}' (partition key " +
                $"{PartitionKeyPath}): create them with the account's infrastructure, or use a key connection string.", e);
        }
    }
}
