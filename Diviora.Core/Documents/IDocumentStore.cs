using System.Text.Json.Nodes;

namespace Diviora.Core.Documents;

/// <summary>
/// Where datasets with <c>"documents": true</c> also keep each record as a JSON document: Cosmos DB in Azure, the
/// npm Cosmos stand-in locally. One container; the partition key is the dataset's normalised name. A document is
/// <c>{ "id", "dataset", "run", "row", "record": { ... } }</c>, so a record's own fields never meet these.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Writes documents of one dataset; a document whose id exists already replaces it.</summary>
    Task UpsertAsync(string dataset, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken);

    /// <summary>Writes documents of one dataset whose ids do not exist yet; a document whose id exists is left as it is.</summary>
    Task InsertAsync(string dataset, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken);

    /// <summary>Deletes the dataset's documents that run <paramref name="runId"/> did not write (after a <c>replace</c>).</summary>
    Task DeleteOtherRunsAsync(string dataset, Guid runId, CancellationToken cancellationToken);

    /// <summary>Deletes the documents run <paramref name="runId"/> wrote (when the run fails after writing some).</summary>
    Task DeleteRunAsync(string dataset, Guid runId, CancellationToken cancellationToken);

    /// <summary>A page of the dataset's documents; <paramref name="continuation"/> is the previous page's, null for the first.</summary>
    Task<DocumentsPage> ReadPageAsync(string dataset, int limit, string? continuation, CancellationToken cancellationToken);
}

/// <summary>A page of documents and the continuation token of the next page (null at the end).</summary>
public sealed record DocumentsPage(IReadOnlyList<JsonObject> Documents, string? Continuation);
