using Azure.Messaging.ServiceBus;
using Diviora.Core.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Sources.Dropzone;

/// <summary>
/// Takes drop-zone files from the storage account's <c>BlobCreated</c> events, which an Event Grid subscription
/// delivers to a Service Bus queue (<see cref="DropzoneOptions.EventsQueue"/>). Each message is settled once its file
/// is taken, ignored, or found malformed; a failure abandons it, so the queue redelivers it and, after its maximum
/// delivery count, dead-letters it.
/// </summary>
public sealed partial class DropzoneEventConsumer(
    ServiceBusClient client, DropzoneIntake intake, IOptions<DropzoneOptions> options, ILogger<DropzoneEventConsumer> logger)
{
    /// <summary>The dead-letter reason of a message that is not a Storage event.</summary>
    public const string MalformedReason = "MalformedEvent";

    /// <summary>Receives events until <paramref name="cancellationToken"/> fires.</summary>
    public async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        var queue = options.Value.EventsQueue ?? throw new InvalidOperationException($"{DropzoneOptions.Section}:EventsQueue is not set.");
        // Copying a large file can take a while; the SDK renews the lock meanwhile.
        await client.RunAsync(queue, maxConcurrentCalls: 2, ProcessMessageAsync,
            args => LogProcessorError(args.ErrorSource.ToString(), args.Exception.Message), cancellationToken);
    }

    /// <summary>Handles one received message and settles it; the unit of the event tests.</summary>
    internal async Task ProcessMessageAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        var dropped = DropzoneEvent.Parse(message.Body);
        switch (dropped.Action)
        {
            case DropzoneEventAction.Malformed:
                LogMalformed(message.MessageId, dropped.Reason);
                await args.DeadLetterMessageAsync(message, MalformedReason, Truncate(dropped.Reason), args.CancellationToken);
                return;
            case DropzoneEventAction.Ignore:
                LogIgnored(message.MessageId, dropped.Reason);
                await args.CompleteMessageAsync(message, args.CancellationToken);
                return;
        }

        try
        {
            var (_, outcome) = await intake.TakeAsync(dropped.BlobName!, dropped.ETag!, args.CancellationToken);
            LogTaken(dropped.BlobName!, outcome);
        }
        catch (Exception e) when (e is not OperationCanceledException || !args.CancellationToken.IsCancellationRequested)
        {
            // The intake is idempotent: a redelivery finishes what this attempt started.
            LogTakeFailed(e, dropped.BlobName!, message.DeliveryCount);
            await args.AbandonMessageAsync(message, cancellationToken: args.CancellationToken);
            return;
        }

        await args.CompleteMessageAsync(message, args.CancellationToken);
    }

    // Service Bus limits the dead-letter description to 4096 characters.
    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000];

    [LoggerMessage(LogLevel.Information, "Drop zone event: '{Blob}': {Outcome}")]
    private partial void LogTaken(string blob, string outcome);

    [LoggerMessage(LogLevel.Information, "Drop zone event {MessageId} ignored: {Reason}")]
    private partial void LogIgnored(string messageId, string reason);

    [LoggerMessage(LogLevel.Warning, "Drop zone event {MessageId} dead-lettered: {Reason}")]
    private partial void LogMalformed(string messageId, string reason);

    [LoggerMessage(LogLevel.Warning, "Drop zone event: '{Blob}' could not be taken (delivery {DeliveryCount}); it will be redelivered")]
    private partial void LogTakeFailed(Exception exception, string blob, int deliveryCount);

    [LoggerMessage(LogLevel.Warning, "Service Bus processor error on the drop-zone events queue in {Source}: {Error}")]
    private partial void LogProcessorError(string source, string error);
}
