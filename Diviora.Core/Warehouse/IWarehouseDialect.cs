using Diviora.Core.Catalog;

namespace Diviora.Core.Warehouse;

/// <summary>
/// The SQL one warehouse speaks. Every identifier passes <see cref="SqlIdentifier.Checked"/> and is quoted here;
/// every value travels as a parameter named <c>@p0</c>, <c>@p1</c>, ... in column order.
/// </summary>
public interface IWarehouseDialect
{
    /// <summary>The identifier, checked and quoted.</summary>
    string Quote(string identifier);

    /// <summary>Creates the table of a dataset with the system columns first, if it does not exist yet.</summary>
    string CreateTable(string table, IReadOnlyList<DatasetColumn> columns);

    /// <summary>Creates the connection-private staging table a run loads into before it touches the dataset: a row id and the columns.</summary>
    string CreateStaging(string staging, IReadOnlyList<DatasetColumn> columns);

    /// <summary>Appends every staged row to the dataset table, in staging order, with the run id <c>@run</c> and load time <c>@at</c>.</summary>
    string AppendFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns);

    /// <summary>Deletes every row of a dataset table (the first step of a <c>replace</c>, inside its transaction).</summary>
    string DeleteAll(string table);

    /// <summary>Makes the key columns unique, so upserts can merge on them; fails when rows already repeat a key.</summary>
    string EnsureUniqueKey(string table, IReadOnlyList<DatasetColumn> key);

    /// <summary>
    /// Merges the staged rows into the dataset table on the key: for a key staged more than once the last staged row
    /// wins; a key already in the table has its row updated, with <c>@run</c> and <c>@at</c>.
    /// </summary>
    string UpsertFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<DatasetColumn> key);

    /// <summary>
    /// Selects the staged rows (row id, payload row number, key values) whose key an earlier staged row or a row
    /// already in the table has: the duplicates an append with a key rejects.
    /// </summary>
    string SelectDuplicateKeys(string staging, string table, IReadOnlyList<DatasetColumn> key, bool tableExists);

    /// <summary>Removes one staged row, <c>@row</c>.</summary>
    string DeleteStagedRow(string staging);

    /// <summary>Counts the rows of a dataset table.</summary>
    string CountRows(string table);

    /// <summary>Adds a nullable column to a dataset table.</summary>
    string AddColumn(string table, DatasetColumn column);

    /// <summary>
    /// The statements that change a column's stored type to a wider one, converting every stored value to the new
    /// type's canonical form; none when the stored form does not change.
    /// </summary>
    IReadOnlyList<string> WidenColumn(string table, DatasetColumn column, ColumnType from);

    /// <summary>Selects the columns of a page of rows in load order, with <c>@offset</c> and <c>@limit</c>.</summary>
    string SelectPage(string table, IReadOnlyList<DatasetColumn> columns);
}
