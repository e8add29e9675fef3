namespace Diviora.Core.Ingestion;

/// <summary>What a load did: rows loaded and the time of each stage.</summary>
/// <param name="Rows">Rows appended to the dataset.</param>
/// <param name="Rejected">Rows listed in the run's rejects instead.</param>
/// <param name="Infer">The first pass over the payload that infers the schema (zero once a dataset has one).</param>
/// <param name="Stage">The second pass: read, type and stage every row.</param>
/// <param name="Append">The final transaction that appends the staged rows and ends the run.</param>
public sealed record LoadResult(long Rows, long Rejected, TimeSpan Infer, TimeSpan Stage, TimeSpan Append);
