using Diviora.Core.Catalog;
using Diviora.Core.Documents;
using Azure.Messaging.ServiceBus;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Messaging;
using Diviora.Core.Messaging.ServiceBus;
using Diviora.Core.Messaging.StorageQueues;
using Diviora.Core.Query;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Diviora.Core.Sources.Dropzone;
using Diviora.Core.Sources.Network;
using Diviora.Core.Sources.Rest;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Diviora.Core;

/// <summary>Registers the engine's parts from the connection strings a host was given.</summary>
public static class DivioraCoreExtensions
{
    /// <summary>The connection string naming the warehouse (and catalog) database.</summary>
    public const string WarehouseConnectionName = "warehouse";

    /// <summary>
    /// Adds the warehouse, the raw, rejects and secret stores, and the ingestion queue. The queue is Azure Service Bus when a
    /// <c>messaging</c> connection string is configured, otherwise a Storage Queue beside the blobs.
    /// Expects the Blob, Queue and (when configured) Service Bus clients to be registered already.
    /// </summary>
    public static IHostApplicationBuilder AddDivioraCore(this IHostApplicationBuilder builder)
    {
        var warehouse = builder.Configuration.GetConnectionString(WarehouseConnectionName)
            ?? throw new InvalidOperationException($"No connection string '{WarehouseConnectionName}' is configured: set ConnectionStrings:{WarehouseConnectionName}.");
        var timeouts = builder.Configuration.GetSection(WarehouseTimeouts.Section).Get<WarehouseTimeouts>() ?? WarehouseTimeouts.Default;
        builder.Services.AddSingleton(Warehouses.FromConnectionString(warehouse, timeouts));
        builder.Services.AddScoped(sp => sp.GetRequiredService<IWarehouse>().CreateCatalog());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RawStore>();
        builder.Services.AddSingleton<IncomingStore>();
        // Sources' requests go through a client of their own (see SourceHttp): every connection a source makes goes through
        // the network policy, and its retries and time-outs are the fetchers', whatever handlers the host gives other
        // clients. A bad AllowPrivateEndpoints fails the start, not the first run.
        builder.Services.AddOptions<SourcesOptions>().BindConfiguration(SourcesOptions.Section);
        builder.Services.AddSingleton(sp =>
        {
            var sources = sp.GetRequiredService<IOptions<SourcesOptions>>().Value;
            return new SourceNetworkPolicy(PrivateEndpoints.Parse(sources.AllowPrivateEndpoints), PrivateEndpoints.Parse(sources.SqlServerEndpoints, SourceNetworkPolicy.SqlServerEndpointsKey));
        });
        builder.Services.AddSourceHttp();
        builder.Services.AddOptions<DatabaseFetchOptions>().BindConfiguration(DatabaseFetchOptions.Section)
            .Validate(o => SqliteSourceFile.KeepsOut(o.SqliteFolder, warehouse), $"{DatabaseFetchOptions.Section}:SqliteFolder holds the warehouse's own file: SQLite sources could read it. Give them a folder of their own.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ISourceFetcher>(sp => new RestSourceFetcher(RestFetcherFor(sp, retry: true)));
        builder.Services.AddSingleton<ISourceFetcher>(sp =>
        {
            var sources = sp.GetRequiredService<IOptions<SourcesOptions>>().Value;
            var database = sp.GetRequiredService<IOptions<DatabaseFetchOptions>>().Value with { MaxRecords = sources.MaxRecordsPerRun };
            return new DatabaseSourceFetcher(new DatabaseFetcher(sp.GetRequiredService<ISecretStore>(), sp.GetRequiredService<SourceNetworkPolicy>(), database));
        });
        builder.Services.AddSingleton(sp => new SourcePayloads(
            sp.GetRequiredService<IWarehouse>(), sp.GetRequiredService<RawStore>(), sp.GetRequiredService<IncomingStore>(),
            sp.GetServices<ISourceFetcher>(), [new RestSourceFetcher(RestFetcherFor(sp, retry: false))]));
        builder.Services.AddSingleton<IPayloadStore>(sp => sp.GetRequiredService<RawStore>());
        builder.Services.AddSingleton<RecordReaders>();
        builder.Services.AddOptions<IngestionLimits>().BindConfiguration(IngestionLimits.Section);
        builder.Services.AddSingleton<IRejectsStore, BlobRejectsStore>();
        builder.Services.AddSingleton<RejectsReader>();
        builder.Services.AddDivioraSecrets(builder.Configuration);
        builder.Services.AddSingleton<DatasetQueries>();
        builder.Services.AddSingleton<DatasetProfiles>();
        builder.Services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section);

        if (builder.Services.Any(s => s.ServiceType == typeof(ServiceBusClient)))
        {
            builder.Services.AddSingleton<ServiceBusTransport>();
            builder.Services.AddSingleton<IIngestionQueue>(sp => sp.GetRequiredService<ServiceBusTransport>());
            builder.Services.AddSingleton<IIngestionConsumer>(sp => sp.GetRequiredService<ServiceBusTransport>());
        }
        else
        {
            builder.Services.AddSingleton<StorageQueueTransport>();
            builder.Services.AddSingleton<IIngestionQueue>(sp => sp.GetRequiredService<StorageQueueTransport>());
            builder.Services.AddSingleton<IIngestionConsumer>(sp => sp.GetRequiredService<StorageQueueTransport>());
        }

        builder.Services.AddHostedService<CatalogMigration>();
        builder.AddDivioraDocuments();
        return builder;
    }

    /// <summary>
    /// A REST fetcher on the sources' client (<see cref="SourceHttp"/>): a run's retries as a scheduled pull should, a
    /// preview's (no <paramref name="retry"/>) gives up sooner, since a person is waiting.
    /// </summary>
    private static RestFetcher RestFetcherFor(IServiceProvider sp, bool retry)
    {
        var sources = sp.GetRequiredService<IOptions<SourcesOptions>>().Value;
        var options = new RestFetchOptions { MaxResponseBytes = sources.MaxResponseBytes, MaxRecords = sources.MaxRecordsPerRun };
        if (!retry)
        {
            options = options with
            {
                MaxAttempts = 2, MaxRetryAfter = TimeSpan.FromSeconds(10), RequestTimeout = TimeSpan.FromSeconds(30),
                TotalTimeout = TimeSpan.FromSeconds(75), ReadTimeout = TimeSpan.FromSeconds(30),
            };
        }

        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(SourceHttp.ClientName);
        return new RestFetcher(http, sp.GetRequiredService<ISecretStore>(), options);
    }

    /// <summary>Adds what a worker needs on top of <see cref="AddDivioraCore"/>: the pipeline and the run handler.</summary>
    public static IHostApplicationBuilder AddDivioraIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IngestionPipeline>();
        builder.Services.AddSingleton<SourceScheduler>();
        builder.Services.AddSingleton<DropzoneIntake>();
        builder.Services.AddOptions<SourcesOptions>().BindConfiguration(SourcesOptions.Section);
        builder.Services.AddOptions<DropzoneOptions>().BindConfiguration(DropzoneOptions.Section);
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{DropzoneOptions.Section}:{nameof(DropzoneOptions.EventsQueue)}"]))
        {
            // Events replace the scan; without Service Bus they would never arrive, and nothing would be taken.
            if (!builder.Services.Any(s => s.ServiceType == typeof(ServiceBusClient)))
            {
                throw new InvalidOperationException(
                    $"{DropzoneOptions.Section}:EventsQueue is set but no Service Bus connection is: set ConnectionStrings:messaging, or unset EventsQueue to scan the drop zone.");
            }

            builder.Services.AddSingleton<DropzoneEventConsumer>();
        }

        builder.Services.AddSingleton<IRunMessageHandler, RunProcessor>();
        builder.Services.AddSingleton<RunSweeper>();

        // The consumer reports the queue's gauges: one service, so the queue is not counted twice.
        if (builder.Services.Any(s => s.ServiceType == typeof(ServiceBusClient)))
        {
            builder.Services.AddSingleton<IQueueStatistics, ServiceBusQueueStatistics>();
        }
        else
        {
            builder.Services.AddSingleton<IQueueStatistics, StorageQueueStatistics>();
        }

        builder.Services.AddHostedService<QueueGauges>();
        return builder;
    }
}
