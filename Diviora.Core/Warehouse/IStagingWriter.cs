namespace Diviora.Core.Warehouse;

/// <summary>
/// Writes a run's rows into its staging table as fast as the warehouse allows (SQLite: prepared statement with
/// direct binds; later PostgreSQL binary COPY, SqlBulkCopy). Values are set per column, then the row is ended.
/// Nothing is visible outside the writer's connection until the run's final transaction.
/// </summary>
public interface IStagingWriter : IAsyncDisposable
{
    /// <summary>Sets column <paramref name="column"/> of the current row to null.</summary>
    void WriteNull(int column);

    /// <summary>Sets column <paramref name="column"/> of the current row to an integer.</summary>
    void WriteInteger(int column, long value);

    /// <summary>Sets column <paramref name="column"/> of the current row to text (copied before the call returns).</summary>
    void WriteText(int column, ReadOnlySpan<char> value);

    /// <summary>Stores the current row, remembering the row number it had in the payload, and starts the next.</summary>
    void EndRow(long sourceRow);

    /// <summary>Makes every written row part of the staging table.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
