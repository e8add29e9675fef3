using System.Data.Common;
using Diviora.Core.Catalog;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Warehouse.SqlServer;

/// <summary>
/// An Azure SQL or SQL Server warehouse: the catalog and the dataset tables in one database, so a run's rows and its
/// final status commit together. Runs stage into a session temp table with <see cref="SqlBulkCopy"/>.
/// </summary>
/// <remarks>
/// Microsoft Entra ID sign-in needs nothing here: put it in the connection string, for example
/// <c>Server=tcp:x.database.windows.net,1433;Initial Catalog=diviora;Authentication=Active Directory Default</c>
/// (a managed identity in Azure, the developer's Azure CLI or Visual Studio sign-in locally).
/// </remarks>
public sealed class SqlServerWarehouse : IWarehouse
{
    /// <summary>SQL Server's "database already exists".</summary>
    private const int DatabaseExists = 1801;

    private readonly string _connectionString;
    private readonly string _loads;
    private readonly SqlServerDialect _dialect = new();

    // Built once: the Api creates a catalog context per request.
    private DbContextOptions<SqlServerCatalogDbContext>? _catalogOptions;

    /// <summary>A warehouse on the database <paramref name="connectionString"/> names (created on first migration where allowed).</summary>
    /// <param name="connectionString">The warehouse's connection string; its own command timeout is replaced.</param>
    /// <param name="timeouts">Command timeouts for queries and loads; <see cref="WarehouseTimeouts.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The string is not a SQL Server connection string.</exception>
    public SqlServerWarehouse(string connectionString, WarehouseTimeouts? timeouts = null)
    {
        timeouts ??= WarehouseTimeouts.Default;
        _connectionString = new SqlConnectionStringBuilder(connectionString) { CommandTimeout = WarehouseTimeouts.Seconds(timeouts.QueryTimeout) }.ConnectionString;
        _loads = new SqlConnectionStringBuilder(connectionString) { CommandTimeout = WarehouseTimeouts.Seconds(timeouts.LoadTimeout) }.ConnectionString;
    }

    /// <inheritdoc />
    public IWarehouseDialect Dialect => _dialect;

    /// <inheritdoc />
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(_connectionString, cancellationToken);

    /// <inheritdoc />
    public Task<DbConnection> OpenForLoadAsync(CancellationToken cancellationToken) => OpenAsync(_loads, cancellationToken);

    private static async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IStagingWriter> OpenStagingAsync(
        DbConnection connection, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken) =>
        new PipelinedStagingWriter(await SqlServerStagingWriter.OpenAsync((SqlConnection)connection, _dialect, staging, columns, cancellationToken), columns.Count);

    // No EnableRetryOnFailure: a retrying execution strategy refuses the transactions the pipeline opens itself.

    /// <inheritdoc />
    public CatalogDbContext CatalogOn(DbConnection connection, DbTransaction? transaction = null)
    {
        var context = new SqlServerCatalogDbContext(new DbContextOptionsBuilder<SqlServerCatalogDbContext>().UseSqlServer(connection).Options);
        if (transaction is not null)
        {
            context.Database.UseTransaction(transaction);
        }

        return context;
    }

    /// <inheritdoc />
    public CatalogDbContext CreateCatalog() =>
        new SqlServerCatalogDbContext(_catalogOptions ??= new DbContextOptionsBuilder<SqlServerCatalogDbContext>().UseSqlServer(_connectionString).Options);

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // A migration may rewrite a large catalog table: it gets a load's time.
        await using var catalog = new SqlServerCatalogDbContext(new DbContextOptionsBuilder<SqlServerCatalogDbContext>().UseSqlServer(_loads).Options);
        try
        {
            // Creates the database when it does not exist; EF Core holds an application lock while it applies.
            await catalog.Database.MigrateAsync(cancellationToken);
        }
        catch (SqlException e) when (e.Number == DatabaseExists)
        {
            // Another process created the database at the same moment: migrate what it created.
            await catalog.Database.MigrateAsync(cancellationToken);
        }
    }
}
