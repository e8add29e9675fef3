using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Ready when the blob service answers with its properties.</summary>
internal sealed class BlobStorageHealthCheck(BlobServiceClient blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await blobs.GetPropertiesAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}

/// <summary>Ready when the queue service answers with its properties.</summary>
internal sealed class QueueStorageHealthCheck(QueueServiceClient queues) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await queues.GetPropertiesAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}

/// <summary>Ready when the ingestion queue can be peeked (the least a worker and the Api need of it).</summary>
internal sealed class ServiceBusHealthCheck(ServiceBusClient client, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var receiver = client.CreateReceiver(configuration["Diviora:Queue:Name"] ?? "ingestion");
        await receiver.PeekMessageAsync(cancellationToken: cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
