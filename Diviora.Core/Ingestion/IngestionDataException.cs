namespace Diviora.Core.Ingestion;

/// <summary>
/// The payload itself is wrong (not text, a ragged row, an unterminated quote, a value that does not fit its column).
/// Retrying cannot help, so the run fails at once with this message, which names the row and the rule.
/// </summary>
public sealed class IngestionDataException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>What the run had read and rejected when it failed, when it got that far.</summary>
    public RejectedRows? Rejected { get; init; }
}

/// <summary>Counts of a run that failed on its rejects, and where they are listed.</summary>
public sealed record RejectedRows(long RowsRead, long RowsRejected, string? RejectsBlob);
