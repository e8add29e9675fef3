using Diviora.Core.Catalog;

namespace Diviora.Core.Warehouse;

/// <summary>A run's rows going straight into its dataset table, inside the run's final transaction.</summary>
/// <param name="Table">The dataset table.</param>
/// <param name="Columns">The dataset's columns once the run commits, in the order the writer's column indexes follow.</param>
/// <param name="RunId">The run, written as every row's <c>_run_id</c>.</param>
/// <param name="IngestedAt">The load time (UTC), written as every row's <c>_ingested_at</c> where the table has no default for it.</param>
public sealed record DirectLoad(string Table, IReadOnlyList<DatasetColumn> Columns, Guid RunId, DateTime IngestedAt);
