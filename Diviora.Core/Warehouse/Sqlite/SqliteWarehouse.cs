using System.Data.Common;
using Diviora.Core.Catalog;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Warehouse.Sqlite;

/// <summary>
/// The embedded warehouse: one SQLite file in write-ahead-log mode, so the Api reads while the Worker loads.
/// Runs without a key write their rows straight into the dataset table inside the final transaction; keyed runs stage
/// rows in a connection-private TEMP table, which takes no lock on the shared file, and take the file's write lock for
/// the final merge only. Either way the file's one writer is a run's final transaction for about as long as its rows
/// take to write.
/// </summary>
public sealed class SqliteWarehouse(string connectionString) : IWarehouse
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString)
    {
        // Writers wait for each other instead of failing with "database is locked".
        DefaultTimeout = 60,
        Pooling = true,
    }.ToString();

    private readonly SqliteDialect _dialect = new();

    // Built once: the Api creates a catalog context per request.
    private DbContextOptions<SqliteCatalogDbContext>? _catalogOptions;

    /// <inheritdoc />
    public IWarehouseDialect Dialect => _dialect;

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc />
    public async Task<IStagingWriter> OpenStagingAsync(
        DbConnection connection, string staging, IReadOnlyList<DatasetColumn> columns, CancellationToken cancellationToken) =>
        new PipelinedStagingWriter(await SqliteStagingWriter.OpenAsync((SqliteConnection)connection, _dialect, staging, columns, cancellationToken), columns.Count);

    /// <inheritdoc />
    /// <remarks>
    /// Appends and replaces without a key insert straight into the table: copying every row from staging afterwards
    /// took as long as staging it, and held the write lock just as long. Keyed loads stage first, to find duplicates
    /// and merge.
    /// </remarks>
    public bool LoadsDirectly(DatasetSettings settings) => !settings.HasKey;

    /// <inheritdoc />
    public Task<IStagingWriter> OpenDirectAsync(DbConnection connection, DbTransaction transaction, DirectLoad load, CancellationToken cancellationToken) =>
        Task.FromResult<IStagingWriter>(new PipelinedStagingWriter(SqliteStagingWriter.OpenDirect((SqliteConnection)connection, _dialect, load), load.Columns.Count));

    /// <inheritdoc />
    public CatalogDbContext CatalogOn(DbConnection connection, DbTransaction? transaction = null)
    {
        var context = new SqliteCatalogDbContext(new DbContextOptionsBuilder<SqliteCatalogDbContext>().UseSqlite(connection).Options);
        if (transaction is not null)
        {
            context.Database.UseTransaction(transaction);
        }

        return context;
    }

    /// <inheritdoc />
    public CatalogDbContext CreateCatalog() =>
        new SqliteCatalogDbContext(_catalogOptions ??= new DbContextOptionsBuilder<SqliteCatalogDbContext>().UseSqlite(_connectionString).Options);

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var path = new SqliteConnectionStringBuilder(_connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var catalog = CatalogOn(connection);
        await catalog.Database.MigrateAsync(cancellationToken);
    }
}
