using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Messaging.ServiceBus;

/// <summary>
/// The ingestion queue's statistics on Service Bus: active and dead-lettered message counts from the queue's runtime
/// properties (this needs the Manage right, or the Azure Service Bus Data Owner role with a managed identity), and the
/// oldest active message's age by peeking. Without that right the read fails and the gauges report nothing.
/// </summary>
public sealed class ServiceBusQueueStatistics(
    ServiceBusAdministrationClient administration, ServiceBusClient client, IOptions<QueueOptions> options, TimeProvider time)
    : IQueueStatistics, IAsyncDisposable
{
    private readonly string _name = options.Value.Name;
    private readonly ServiceBusReceiver _peeker = client.CreateReceiver(options.Value.Name);

    /// <inheritdoc />
    public async Task<QueueSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var properties = (await administration.GetQueueRuntimePropertiesAsync(_name, cancellationToken)).Value;
        TimeSpan? oldest = null;
        if (properties.ActiveMessageCount > 0 && await _peeker.PeekMessageAsync(cancellationToken: cancellationToken) is { } message)
        {
            oldest = time.GetUtcNow() - message.EnqueuedTime;
        }

        return new QueueSnapshot(properties.ActiveMessageCount, oldest, properties.DeadLetterMessageCount);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _peeker.DisposeAsync();
}
