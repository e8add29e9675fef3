using System.Data.Common;
using Diviora.Core.Catalog;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Diviora.Core.Warehouse.Postgres;

/// <summary>
/// A PostgreSQL warehouse: the catalog and the dataset tables in one database, so a run's rows and its final
/// status commit together. Runs stage into a session-private TEMP table with binary COPY.
/// </summary>
public sealed class PostgresWarehouse : IWarehouse, IAsyncDisposable
{
    private const int WriteBufferSize = 256 * 1024;
    private const int LoadPoolSize = 10;
    private const int LoadIdleSeconds = 30;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _loads;
    private readonly PostgresDialect _dialect = new();

    // Built once: the Api creates a catalog context per request.
    private DbContextOptions<PostgresCatalogDbContext>? _catalogOptions;

    /// <summary>A warehouse on the database <paramref name="connectionString"/> names (created on first migration).</summary>
    /// <param name="connectionString">The warehouse's connection string; its own command timeout is replaced.</param>
    /// <param name="timeouts">Command timeouts for queries and loads; <see cref="WarehouseTimeouts.Default"/> when null.</param>
    public PostgresWarehouse(string connectionString, WarehouseTimeouts? timeouts = null)
    {
        timeouts ??= WarehouseTimeouts.Default;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // COPY streams in large writes: fewer round trips between the loader and the server process.
        if (builder.WriteBufferSize < WriteBufferSize)
        {
            builder.WriteBufferSize = WriteBufferSize;
        }

        // Npgsql applies the timeout to each wait for the server, COPY's included; cancellation still stops sooner.
        builder.CommandTimeout = WarehouseTimeouts.Seconds(timeouts.QueryTimeout);
        _dataSource = NpgsqlDataSource.Create(builder);
        // Loads are few at a time: their pool stays small and lets idle connections go soon, so two pools do not hold
        // twice the server's connections.
        builder.CommandTimeout = WarehouseTimeouts.Seconds(timeouts.LoadTimeout);
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, LoadPoolSize);
        builder.ConnectionIdleLifetime = Math.Min(builder.ConnectionIdleLifetime, LoadIdleSeconds);
        _loads = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc />
    public IWarehouseDialect Dialect => _dialect;

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<DbConnection> OpenForLoadAsync(CancellationToken cancellationToken) => await _loads.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IStagingWriter> OpenStagingAsync(
        DbConnection connection, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken) =>
        new PipelinedStagingWriter(await PostgresStagingWriter.OpenAsync((NpgsqlConnection)connection, _dialect, staging, columns, cancellationToken), columns.Count);

    /// <inheritdoc />
    /// <remarks>
    /// Appends and replaces without a key stream straight into the table with COPY, inside the final transaction:
    /// PostgreSQL keeps readers on the old rows until the commit, and a second copy of every row (staging, then
    /// INSERT ... SELECT) would double the load time. Keyed loads stage first, to find duplicates and merge.
    /// </remarks>
    public bool LoadsDirectly(DatasetSettings settings) => !settings.HasKey;

    /// <inheritdoc />
    /// <remarks>The load time is the transaction's own (the table's default), the same for every row of the run.</remarks>
    public async Task<IStagingWriter> OpenDirectAsync(DbConnection connection, DbTransaction transaction, DirectLoad load, CancellationToken cancellationToken) =>
        await PostgresDirectWriter.OpenAsync((NpgsqlConnection)connection, _dialect, load.Table, load.Columns, load.RunId, cancellationToken);

    /// <inheritdoc />
    public CatalogDbContext CatalogOn(DbConnection connection, DbTransaction? transaction = null)
    {
        var context = new PostgresCatalogDbContext(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql(connection).Options);
        if (transaction is not null)
        {
            context.Database.UseTransaction(transaction);
        }

        return context;
    }

    /// <inheritdoc />
    public CatalogDbContext CreateCatalog() =>
        new PostgresCatalogDbContext(_catalogOptions ??= new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql(_dataSource).Options);

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // A migration may rewrite a large catalog table: it gets a load's time.
        await using var catalog = new PostgresCatalogDbContext(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql(_loads).Options);
        try
        {
            // Creates the database when it does not exist; EF Core holds a migration lock while it applies.
            await catalog.Database.MigrateAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created the database at the same moment: migrate what it created.
            await catalog.Database.MigrateAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _loads.DisposeAsync();
    }
}
