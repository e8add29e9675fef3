using Diviora.Core.Catalog;
using Diviora.Core.Query;

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

    /// <summary>
    /// What a table created by this run still needs once its first rows are in, or null when
    /// <see cref="CreateTable"/> made it whole: PostgreSQL builds the row id's primary key in bulk after the first load,
    /// several times faster than maintaining it row by row.
    /// </summary>
    string? KeyNewTable(string table);

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
    /// wins; a key already in the table has its row updated, with <c>@run</c> and <c>@at</c>. With
    /// <paramref name="sourceRanks"/> above 0 the columns include <c>_source</c>, the statement takes the priority's
    /// source names (lower case, most trusted first) as <c>@rank0</c> ... and a row is updated only from a source
    /// ranked the same or higher (see <see cref="SourceRank"/>).
    /// </summary>
    string UpsertFromStaging(string staging, string table, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<DatasetColumn> key, int sourceRanks = 0);

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

    /// <summary>
    /// A query for the names of the indexes over column <c>@column</c> (quoted) of table <c>@table</c>, which must be
    /// dropped before the column is widened; null where widening keeps indexes (they are rebuilt by the same run).
    /// </summary>
    string? IndexesOnColumn { get; }

    /// <summary>Drops an index of a table by name.</summary>
    string DropIndex(string table, string index);

    /// <summary>Drops a run's staging table once the run no longer needs it.</summary>
    string DropStaging(string staging);

    /// <summary>
    /// A statement that makes concurrent final transactions of one dataset (<c>@dataset</c>) take turns, or null
    /// where the database serialises writers anyway.
    /// </summary>
    string? LockDataset { get; }

    /// <summary>Refreshes the planner's statistics of a table, so it picks the right index for a filter and an order.</summary>
    string Analyze(string table);

    /// <summary>Creates an index named <paramref name="index"/> on the columns, if it does not exist yet.</summary>
    string CreateIndex(string table, string index, IReadOnlyList<DatasetColumn> columns);

    // The query surface. QuerySql composes these into whole statements; values always travel as parameters.

    /// <summary>The expression that compares, orders and aggregates a column by its value (quoted, unqualified).</summary>
    string Comparable(DatasetColumn column);

    /// <summary>The parameter <paramref name="parameter"/> as an expression comparable with <see cref="Comparable"/>.</summary>
    string ComparableParameter(ColumnType type, string parameter);

    /// <summary>A filter value in the form this database's driver binds for a column of <paramref name="type"/>.</summary>
    object ParameterValue(ColumnType type, object value);

    /// <summary>A case-sensitive <c>contains</c> or <c>startswith</c> test of a text column against <paramref name="parameter"/>.</summary>
    string TextMatch(TextMatch kind, string column, string parameter);

    /// <summary>The value to bind for <see cref="TextMatch"/>.</summary>
    object TextMatchValue(TextMatch kind, string value);

    /// <summary>One ORDER BY term; nulls sort as the smallest value (first ascending, last descending).</summary>
    string OrderTerm(string expression, bool descending);

    /// <summary>The paging clause after ORDER BY, with <c>@offset</c> and <c>@limit</c>.</summary>
    string Page { get; }

    /// <summary>An aggregate; <paramref name="expression"/> is null for <c>count()</c>.</summary>
    string Measure(MeasureKind kind, string? expression);

    /// <summary>The dataset table as a query names it.</summary>
    string Table(string table);

    /// <summary>
    /// A column of a number, date or time type as a number that orders like its values: integers, decimals and doubles
    /// as themselves, dates and timestamps as seconds since 1970-01-01 (a timestamptz as the UTC instant's seconds).
    /// </summary>
    string Numeric(DatasetColumn column);
}
