using Azure.Messaging.ServiceBus;

namespace Diviora.Core.Messaging.ServiceBus;

/// <summary>How Diviora's queue consumers run a Service Bus processor: settled by hand, locks renewed, until cancelled.</summary>
internal static class ServiceBusProcessing
{
    /// <summary>
    /// Processes <paramref name="queue"/> with <paramref name="handle"/> (which settles each message itself) until
    /// <paramref name="cancellationToken"/> fires, <paramref name="maxConcurrentCalls"/> at a time, the SDK renewing each
    /// message's lock for up to an hour; the processor's own errors go to <paramref name="error"/>.
    /// </summary>
    public static async Task RunAsync(
        this ServiceBusClient client, string queue, int maxConcurrentCalls, Func<ProcessMessageEventArgs, Task> handle,
        Action<ProcessErrorEventArgs> error, CancellationToken cancellationToken)
    {
        await using var processor = client.CreateProcessor(queue, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = maxConcurrentCalls,
            MaxAutoLockRenewalDuration = TimeSpan.FromHours(1),
        });
        processor.ProcessMessageAsync += handle;
        processor.ProcessErrorAsync += args =>
        {
            error(args);
            return Task.CompletedTask;
        };

        await processor.StartProcessingAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await processor.StopProcessingAsync(CancellationToken.None);
    }
}
