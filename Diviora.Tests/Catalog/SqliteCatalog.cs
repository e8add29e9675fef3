using Diviora.Core.Catalog;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.Data.Sqlite;

namespace Diviora.Tests.Catalog;

/// <summary>A migrated catalog in a SQLite file of its own, for tests that need a catalog but no server.</summary>
internal sealed class SqliteCatalog : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("diviora-catalog-").FullName;

    private SqliteCatalog() => Warehouse = Warehouses.FromConnectionString($"Data Source={Path.Combine(_directory, "warehouse.db")}");

    public IWarehouse Warehouse { get; }

    public static async Task<SqliteCatalog> CreateAsync()
    {
        var catalog = new SqliteCatalog();
        await catalog.Warehouse.MigrateAsync(CancellationToken.None);
        return catalog;
    }

    /// <summary>Writes a Queued upload of <paramref name="sizeBytes"/> bytes into <paramref name="dataset"/>, created at <paramref name="at"/>.</summary>
    public async Task<Run> QueueAsync(string dataset, DateTime at, long sizeBytes = 10, Source? source = null)
    {
        await using var catalog = Warehouse.CreateCatalog();
        var runId = Guid.CreateVersion7();
        var run = Run.Queue(runId, await Dataset.FindOrCreateAsync(catalog, dataset, at, CancellationToken.None),
            new RunPayload(RawStore.BlobNameFor(dataset, runId, "data.csv"), "data.csv", sizeBytes), "test", at, source);
        catalog.Runs.Add(run);
        await catalog.SaveChangesAsync();
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        await Task.CompletedTask;
    }
}
