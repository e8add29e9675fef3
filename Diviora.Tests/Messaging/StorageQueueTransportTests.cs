using Azure.Storage.Queues;
using Diviora.Core.Messaging;
using Diviora.Core.Messaging.StorageQueues;
using Diviora.Tests.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Diviora.Tests.Messaging;

/// <summary>The Storage Queue transport on a real Azurite queue.</summary>
[Trait("Category", "Platform")]
public sealed class StorageQueueTransportTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    [Fact]
    public async Task A_run_longer_than_the_visibility_timeout_is_delivered_once_and_then_deleted()
    {
        var options = new QueueOptions
        {
            Name = "renewal-" + Guid.NewGuid().ToString("N")[..8],
            // Renewed every half of it: 3 s of slack keeps a busy CI machine's late renewal from passing for a lost lease.
            VisibilityTimeout = TimeSpan.FromSeconds(6),
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var transport = new StorageQueueTransport(queues, Options.Create(options), NullLogger<StorageQueueTransport>.Instance);
        var handler = new SlowHandler(TimeSpan.FromSeconds(10));
        var runId = Guid.CreateVersion7();
        await transport.SendAsync(new RunMessage(runId, null, null), CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var consuming = transport.ConsumeAsync(handler, stop.Token);
        await handler.Finished.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(7));
        await stop.CancelAsync();
        try
        {
            await consuming;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Equal([runId], handler.Deliveries);
        Assert.Empty((await queues.GetQueueClient(options.Name).PeekMessagesAsync(10)).Value);
    }

    private sealed class SlowHandler(TimeSpan duration) : IRunMessageHandler
    {
        public List<Guid> Deliveries { get; } = [];

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<DeliveryOutcome> HandleAsync(RunMessage message, int deliveryCount, CancellationToken cancellationToken)
        {
            lock (Deliveries)
            {
                Deliveries.Add(message.RunId);
            }

            await Task.Delay(duration, cancellationToken);
            Finished.TrySetResult();
            return DeliveryOutcome.Complete;
        }
    }
}
