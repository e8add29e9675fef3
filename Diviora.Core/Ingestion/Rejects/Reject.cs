namespace Diviora.Core.Ingestion.Rejects;

/// <summary>One rejected row: where it was in the payload, the column and value that failed, and why.</summary>
public sealed record Reject(long RowNumber, string Column, string? Value, string Reason);
