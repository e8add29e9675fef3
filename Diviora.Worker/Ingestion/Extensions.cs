using Diviora.Core;
using Diviora.Core.Sources;
using Diviora.Worker.Sources;

namespace Diviora.Worker.Ingestion;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddAzureStorageClients("storage");
        builder.TryAddAzureServiceBusClient("messaging");
        builder.AddDivioraCore();
        builder.AddDivioraIngestion();
        builder.Services.AddHostedService<IngestionWorker>();
        builder.Services.AddHostedService<SourcesWorker>();
        builder.Services.AddHostedService<RunSweepWorker>();
    }
}
