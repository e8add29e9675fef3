namespace Diviora.Core.Catalog;

/// <summary>
/// What a successful run loaded and rejected, how it read the payload (<c>csv (';', windows-1252)</c>), and how long
/// each pass took: infer, stage, and the final transaction up to its commit.
/// </summary>
public sealed record LoadSummary(long RowsLoaded, long RowsRejected, string? RejectsBlob, string Format, TimeSpan Infer, TimeSpan Stage, TimeSpan Load);
