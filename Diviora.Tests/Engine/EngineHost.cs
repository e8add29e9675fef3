using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Diviora.Core;
using Diviora.Core.Catalog;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diviora.Tests.Engine;

/// <summary>
/// The engine as the Worker wires it, on a real Azurite and a fresh warehouse (a SQLite file, or the PostgreSQL
/// database a connection string names), with fast retries.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _directory;

    private EngineHost(IHost host, string directory) => (_host, _directory) = (host, directory);

    public string QueueName { get; private init; } = "";

    /// <summary>The folder SQLite sources' files must be in (<c>Diviora:Sources:Database:SqliteFolder</c>).</summary>
    public string SqliteFolder => Path.Combine(_directory, "sources");

    public IServiceProvider Services => _host.Services;

    public static async Task<EngineHost> StartAsync(
        AzuriteServer azurite, Func<IPayloadStore, IPayloadStore>? payloads = null, string? warehouse = null, string? documents = null)
    {
        var queueName = "ingestion-" + Guid.NewGuid().ToString("N")[..12];
        var directory = Path.Combine(Path.GetTempPath(), "diviora-engine-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:warehouse"] = warehouse ?? $"Data Source={Path.Combine(directory, "warehouse.db")}";
        builder.Configuration["Diviora:Queue:Name"] = queueName;
        if (documents is not null)
        {
            builder.Configuration["ConnectionStrings:documents"] = documents;
        }

        builder.Configuration["Diviora:Queue:RetryDelay"] = "00:00:00.010";
        builder.Configuration["Diviora:Queue:PollInterval"] = "00:00:00.050";
        builder.Configuration["Diviora:Sources:DropzoneQuietSeconds"] = "0";
        builder.Configuration["Diviora:Sources:Database:SqliteFolder"] = Directory.CreateDirectory(Path.Combine(directory, "sources")).FullName;
        // The tests' source APIs and databases listen on loopback: an operator's allow list, as the AppHost passes it.
        builder.Configuration["Diviora:Sources:AllowPrivateEndpoints"] = "127.0.0.1, ::1";
        builder.Services.AddSingleton(new BlobServiceClient(azurite.ConnectionString));
        builder.Services.AddSingleton(new QueueServiceClient(azurite.ConnectionString));
        builder.AddDivioraCore();
        builder.AddDivioraIngestion();
        if (payloads is not null)
        {
            builder.Services.AddSingleton(sp => payloads(sp.GetRequiredService<RawStore>()));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new EngineHost(host, directory) { QueueName = queueName };
    }

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>Stores <paramref name="csv"/> as a payload (unless null) and writes a Queued run for it, as the Api does.</summary>
    public Task<Guid> QueueRunAsync(string dataset, string? csv, string fileName = "data.csv") =>
        QueueRunAsync(dataset, csv is null ? null : Encoding.UTF8.GetBytes(csv), fileName);

    /// <summary>Stores <paramref name="payload"/>'s bytes (unless null) and writes a Queued run for it.</summary>
    public async Task<Guid> QueueRunAsync(string dataset, byte[]? payload, string fileName)
    {
        var runId = Guid.CreateVersion7();
        var blobName = RawStore.BlobNameFor(dataset, runId, fileName);
        if (payload is not null)
        {
            await Get<RawStore>().UploadAsync(blobName, new MemoryStream(payload), "application/octet-stream", CancellationToken.None);
        }

        await using var catalog = await CatalogAsync();
        var normalized = dataset.ToLowerInvariant();
        var existing = await catalog.Datasets.SingleOrDefaultAsync(d => d.NormalizedName == normalized);
        catalog.Runs.Add(Run.Queue(runId, existing ?? Dataset.Create(dataset, DateTime.UtcNow), new RunPayload(blobName, fileName), startedBy: null,
            DateTime.UtcNow));
        await catalog.SaveChangesAsync();
        return runId;
    }

    /// <summary>Sets a dataset's settings (creating it), as <c>PUT /api/datasets/{d}</c> does.</summary>
    public async Task SetSettingsAsync(string dataset, string json)
    {
        var settings = DatasetSettings.TryRead(json, out var error) ?? throw new ArgumentException(error, nameof(json));
        Assert.Null(settings.Validate());
        await using var catalog = await CatalogAsync();
        var normalized = dataset.ToLowerInvariant();
        var found = await catalog.Datasets.SingleOrDefaultAsync(d => d.NormalizedName == normalized);
        if (found is null)
        {
            found = Dataset.Create(dataset, DateTime.UtcNow);
            catalog.Datasets.Add(found);
        }

        found.Settings = settings.ToJson();
        await catalog.SaveChangesAsync();
    }

    /// <summary>Stores <paramref name="csv"/>, runs it to the end in this call, and answers the finished run.</summary>
    public Task<Run> LoadAsync(string dataset, string csv, string fileName = "data.csv") => LoadAsync(dataset, Encoding.UTF8.GetBytes(csv), fileName);

    /// <summary>Stores <paramref name="payload"/>, runs it to the end in this call, and answers the finished run.</summary>
    public async Task<Run> LoadAsync(string dataset, byte[] payload, string fileName)
    {
        var runId = await QueueRunAsync(dataset, payload, fileName);
        await Get<Diviora.Core.Messaging.IRunMessageHandler>().HandleAsync(new Diviora.Core.Messaging.RunMessage(runId, null, null), 1, CancellationToken.None);
        return await RunAsync(runId);
    }

    /// <summary>The dataset as the catalog has it now.</summary>
    public async Task<Dataset> DatasetAsync(string dataset)
    {
        await using var catalog = await CatalogAsync();
        var normalized = dataset.ToLowerInvariant();
        return await catalog.Datasets.AsNoTracking().SingleAsync(d => d.NormalizedName == normalized);
    }

    public async Task<Run> RunAsync(Guid runId)
    {
        await using var catalog = await CatalogAsync();
        return await catalog.Runs.AsNoTracking().Include(r => r.Dataset).SingleAsync(r => r.Id == runId);
    }

    public async Task UpdateRunAsync(Guid runId, Action<Run> update)
    {
        await using var catalog = await CatalogAsync();
        update(await catalog.Runs.SingleAsync(r => r.Id == runId));
        await catalog.SaveChangesAsync();
    }

    public async Task<long> CountRowsAsync(string dataset)
    {
        var warehouse = Get<IWarehouse>();
        await using var connection = await warehouse.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {warehouse.Dialect.Quote(DatasetName.TableNameFor(dataset))}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<CatalogDbContext> CatalogAsync() => Task.FromResult(Get<IWarehouse>().CreateCatalog());

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
