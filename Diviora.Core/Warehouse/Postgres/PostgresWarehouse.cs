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

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresDialect _dialect = new();

    // Built once: the Api creates a catalog context per request.
    private DbContextOptions<PostgresCatalogDbContext>? _catalogOptions;

    /// <summary>A warehouse on the database <paramref name="connectionString"/> names (created on first migration).</summary>
    public PostgresWarehouse(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Long loads must not be cut off by the 30 s default; cancellation still stops them.
        builder.CommandTimeout = 0;
        // COPY streams in large writes: fewer round trips between the loader and the server process.
        if (builder.WriteBufferSize < WriteBufferSize)
        {
            builder.WriteBufferSize = WriteBufferSize;
        }
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc />
    public IWarehouseDialect Dialect => _dialect;

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

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
    public async Task<IStagingWriter> OpenDirectAsync(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<DatasetColumn> columns, Guid runId,
        CancellationToken cancellationToken) =>
        await PostgresDirectWriter.OpenAsync((NpgsqlConnection)connection, _dialect, table, columns, runId, cancellationToken);

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
        await using var catalog = CreateCatalog();
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
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
