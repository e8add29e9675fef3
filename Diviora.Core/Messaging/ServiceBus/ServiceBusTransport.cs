using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Messaging.ServiceBus;

/// <summary>
/// The ingestion queue on Azure Service Bus. Retries are abandons (the queue redelivers); a message that reaches
/// <see cref="QueueOptions.MaxDeliveries"/> is dead-lettered with the run's last error as the reason.
/// </summary>
public sealed partial class ServiceBusTransport(ServiceBusClient client, IOptions<QueueOptions> options, ILogger<ServiceBusTransport> logger)
    : IIngestionQueue, IIngestionConsumer, IAsyncDisposable
{
    private readonly QueueOptions _options = options.Value;
    private readonly ServiceBusSender _sender = client.CreateSender(options.Value.Name);

    /// <inheritdoc />
    public async Task SendAsync(RunMessage message, CancellationToken cancellationToken)
    {
        var busMessage = new ServiceBusMessage(message.ToBinaryData())
        {
            ContentType = "application/json",
            MessageId = message.RunId.ToString(),
            Subject = "run",
        };
        if (message.TraceParent is not null)
        {
            // The property the Service Bus SDK's own tracing reads, so Azure tooling links the spans too.
            busMessage.ApplicationProperties["Diagnostic-Id"] = message.TraceParent;
        }

        await _sender.SendMessageAsync(busMessage, cancellationToken);
    }

    /// <inheritdoc />
    public async Task ConsumeAsync(IRunMessageHandler handler, CancellationToken cancellationToken)
    {
        await client.RunAsync(_options.Name, maxConcurrentCalls: 1, args => ProcessMessageAsync(handler, args),
            args => LogProcessorError(args.ErrorSource.ToString(), args.Exception.Message), cancellationToken);
    }

    /// <summary>Handles one received message and settles it; the unit of the Service Bus tests.</summary>
    internal static async Task ProcessMessageAsync(IRunMessageHandler handler, ProcessMessageEventArgs args)
    {
        var message = args.Message;
        if (!RunMessage.TryParse(message.Body, out var runMessage))
        {
            await args.DeadLetterMessageAsync(message, "NotARunMessage", "The message body is not a run message.", args.CancellationToken);
            return;
        }

        DivioraTelemetry.RecordQueueWait(message.EnqueuedTime, message.DeliveryCount);
        // Every message of a run has the run id as its MessageId; the sequence number tells two messages apart.
        var delivered = runMessage with { MessageId = "sb:" + message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var outcome = await handler.HandleAsync(delivered, message.DeliveryCount, args.CancellationToken);
        switch (outcome.Action)
        {
            case DeliveryAction.Complete:
                await args.CompleteMessageAsync(message, args.CancellationToken);
                break;
            case DeliveryAction.Retry:
                await args.AbandonMessageAsync(message, cancellationToken: args.CancellationToken);
                break;
            case DeliveryAction.DeadLetter:
                await args.DeadLetterMessageAsync(message, "RunFailed", Truncate(outcome.Reason ?? "The run failed."), args.CancellationToken);
                break;
        }
    }

    // Service Bus limits the dead-letter description to 4096 characters.
    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000];

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _sender.DisposeAsync();

    [LoggerMessage(LogLevel.Warning, "Service Bus processor error in {Source}: {Error}")]
    private partial void LogProcessorError(string source, string error);
}
