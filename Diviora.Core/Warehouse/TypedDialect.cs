using Diviora.Core.Catalog;

namespace Diviora.Core.Warehouse;

/// <summary>
/// What the warehouses that give every column its own type (PostgreSQL, SQL Server) share: a run stages integers and
/// booleans typed and other values as canonical text, and the statements that move staged rows into the dataset
/// convert each staged column (alias <c>s</c>) to the dataset column's type on the way.
/// </summary>
public abstract class TypedDialect
{
    /// <summary>The identifier, checked and quoted.</summary>
    public abstract string Quote(string identifier);

    /// <summary>The dataset table as a statement names it.</summary>
    public abstract string Table(string table);

    /// <summary>The run's staging table as a statement names it.</summary>
    public abstract string StagingTable(string staging);

    /// <summary>The load time parameter <c>@at</c> (ISO 8601 text) as the type of <c>_ingested_at</c>.</summary>
    protected abstract string LoadTime { get; }

    /// <summary>A staged column (alias <c>s</c>) converted to the dataset column's type.</summary>
    protected abstract string Staged(DatasetColumn column);

    /// <inheritdoc cref="IWarehouseDialect.AppendFromStaging"/>
    public string AppendFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns) =>
        $"INSERT INTO {Table(table)} ({Quote(SystemColumns.RunId)}, {Quote(SystemColumns.IngestedAt)}{Names(columns, leadingComma: true)}) " +
        $"SELECT @run, {LoadTime}{Staged(columns, leadingComma: true)} FROM {StagingTable(staging)} s ORDER BY s.{Quote(SystemColumns.RowId)}";

    /// <inheritdoc cref="IWarehouseDialect.SelectDuplicateKeys"/>
    public string SelectDuplicateKeys(string staging, string table, IReadOnlyList<DatasetColumn> key, bool tableExists)
    {
        var sameKey = string.Join(" AND ", key.Select(k => $"t.{Quote(k.PhysicalName)} = {Staged(k)}"));
        var inTable = tableExists ? $"EXISTS (SELECT 1 FROM {Table(table)} t WHERE {sameKey}) OR " : "";
        return $"SELECT s.{Quote(SystemColumns.RowId)}, s.{Quote(SystemColumns.SourceRow)}{Staged(key, leadingComma: true)} " +
            $"FROM {StagingTable(staging)} s WHERE {inTable}s.{Quote(SystemColumns.RowId)} NOT IN " +
            $"(SELECT MIN(s.{Quote(SystemColumns.RowId)}) FROM {StagingTable(staging)} s GROUP BY {Staged(key)}) ORDER BY s.{Quote(SystemColumns.RowId)}";
    }

    /// <inheritdoc cref="IWarehouseDialect.DeleteStagedRow"/>
    public string DeleteStagedRow(string staging) => $"DELETE FROM {StagingTable(staging)} WHERE {Quote(SystemColumns.RowId)} = @row";

    /// <summary>The staged columns converted, comma-separated.</summary>
    protected string Staged(IEnumerable<DatasetColumn> columns, bool leadingComma = false) =>
        string.Concat(columns.Select((c, i) => (i > 0 || leadingComma ? ", " : "") + Staged(c)));

    /// <summary>The quoted physical names, comma-separated.</summary>
    protected string Names(IEnumerable<DatasetColumn> columns, bool leadingComma = false) =>
        string.Concat(columns.Select((c, i) => (i > 0 || leadingComma ? ", " : "") + Quote(c.PhysicalName)));
}
