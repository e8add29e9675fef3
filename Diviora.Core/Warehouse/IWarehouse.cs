using System.Data.Common;
using Diviora.Core.Catalog;

namespace Diviora.Core.Warehouse;

/// <summary>
/// The database that holds the catalog and the dataset tables. Both live in one database so that a load and the
/// run's final status commit in one transaction: a run either loaded everything and says so, or loaded nothing.
/// </summary>
public interface IWarehouse
{
    /// <summary>The SQL this warehouse speaks.</summary>
    IWarehouseDialect Dialect { get; }

    /// <summary>Opens a new connection; its commands time out after <see cref="WarehouseTimeouts.QueryTimeout"/>.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens a new connection for a load, index or migration; its commands time out after
    /// <see cref="WarehouseTimeouts.LoadTimeout"/>. The same as <see cref="OpenAsync"/> where the warehouse has no timeout.
    /// </summary>
    Task<DbConnection> OpenForLoadAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>
    /// Creates a run's staging table on <paramref name="connection"/> and opens a writer for it. Staging must not
    /// block other writers of the catalog while a large file streams in.
    /// </summary>
    Task<IStagingWriter> OpenStagingAsync(DbConnection connection, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken);

    /// <summary>
    /// True when this warehouse loads a run of a dataset with <paramref name="settings"/> straight into the dataset
    /// table inside the run's final transaction (<see cref="OpenDirectAsync"/>) rather than through a staging table.
    /// </summary>
    bool LoadsDirectly(DatasetSettings settings) => false;

    /// <summary>
    /// Opens a writer that appends rows to the dataset table itself, within <paramref name="transaction"/>, each
    /// with the run id and a load time: nothing is visible until the transaction commits.
    /// </summary>
    Task<IStagingWriter> OpenDirectAsync(DbConnection connection, DbTransaction transaction, DirectLoad load, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This warehouse loads through a staging table.");

    /// <summary>A catalog context over an open connection, enlisted in <paramref name="transaction"/> when given.</summary>
    CatalogDbContext CatalogOn(DbConnection connection, DbTransaction? transaction = null);

    /// <summary>A catalog context with its own connections (for hosts that register <see cref="CatalogDbContext"/> per request).</summary>
    CatalogDbContext CreateCatalog();

    /// <summary>Creates or upgrades the catalog schema; safe to call from several processes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
