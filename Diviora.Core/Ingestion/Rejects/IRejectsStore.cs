namespace Diviora.Core.Ingestion.Rejects;

/// <summary>Keeps each run's rejected rows as a CSV file (<c>rowNumber,column,value,reason</c>).</summary>
public interface IRejectsStore
{
    /// <summary>The name of a run's rejects file.</summary>
    static string NameFor(string dataset, Guid runId) => $"{dataset.ToLowerInvariant()}/{runId:N}.csv";

    /// <summary>Creates (or replaces, for a retried run) the rejects file <paramref name="name"/> for writing.</summary>
    Task<Stream> CreateAsync(string name, CancellationToken cancellationToken);

    /// <summary>Opens a rejects file for reading.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken);
}
