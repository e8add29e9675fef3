using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Messaging.StorageQueues;

/// <summary>
/// The ingestion queue on Azure Storage Queues (Azurite locally). A message that reaches
/// <see cref="QueueOptions.MaxDeliveries"/> without success moves to the <c>{name}-poison</c> queue.
/// </summary>
public sealed partial class StorageQueueTransport(QueueServiceClient queues, IOptions<QueueOptions> options, ILogger<StorageQueueTransport> logger)
    : IIngestionQueue, IIngestionConsumer
{
    private readonly QueueOptions _options = options.Value;
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.Name);
    private readonly QueueClient _poison = queues.GetQueueClient(options.Value.Name + "-poison");
    private volatile bool _queuesExist;

    /// <inheritdoc />
    public async Task SendAsync(RunMessage message, CancellationToken cancellationToken)
    {
        await EnsureQueuesAsync(cancellationToken);
        await _queue.SendMessageAsync(message.ToBinaryData(), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async Task ConsumeAsync(IRunMessageHandler handler, CancellationToken cancellationToken)
    {
        await EnsureQueuesAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                // One at a time: runs are processed in turn, and a message waiting in a batch would outlive its lease.
                messages = (await _queue.ReceiveMessagesAsync(maxMessages: 1, _options.VisibilityTimeout, cancellationToken)).Value;
            }
            catch (RequestFailedException e)
            {
                LogReceiveFailed(e.Status, e.ErrorCode, e.Message);
                await Task.Delay(_options.PollInterval * 5, cancellationToken);
                continue;
            }

            if (messages.Length == 0)
            {
                await Task.Delay(_options.PollInterval, cancellationToken);
                continue;
            }

            foreach (var message in messages)
            {
                await DeliverAsync(handler, message, cancellationToken);
            }
        }
    }

    private async Task DeliverAsync(IRunMessageHandler handler, QueueMessage message, CancellationToken cancellationToken)
    {
        DivioraTelemetry.RecordQueueWait(message.InsertedOn, message.DequeueCount);
        var lease = new Lease(message.PopReceipt);
        DeliveryOutcome outcome;
        using (var handling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var renewing = RenewAsync(message.MessageId, lease, handling.Token);
            try
            {
                outcome = RunMessage.TryParse(message.Body, out var runMessage)
                    ? await handler.HandleAsync(runMessage with { MessageId = message.MessageId }, (int)message.DequeueCount, cancellationToken)
                    : new DeliveryOutcome(DeliveryAction.DeadLetter, "The message is not a run message.");
            }
            finally
            {
                await handling.CancelAsync();
                await renewing;
            }
        }

        try
        {
            switch (outcome.Action)
            {
                case DeliveryAction.Complete:
                    await _queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, cancellationToken);
                    break;
                case DeliveryAction.Retry:
                    await _queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt,
                        visibilityTimeout: _options.RetryDelayAfter((int)message.DequeueCount), cancellationToken: cancellationToken);
                    break;
                case DeliveryAction.DeadLetter:
                    await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                    await _queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, cancellationToken);
                    LogPoisoned(message.MessageId, outcome.Reason);
                    break;
            }
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            // The visibility timeout ran out and another delivery owns the message now (PopReceiptMismatch / not found).
            LogLostReceipt(message.MessageId, e.ErrorCode);
        }
    }

    /// <summary>Keeps the message invisible while a long run is processed, so no other worker starts it again.</summary>
    private async Task RenewAsync(string messageId, Lease lease, CancellationToken cancellationToken)
    {
        var every = _options.VisibilityTimeout / 2;
        try
        {
            while (true)
            {
                await Task.Delay(every, cancellationToken);
                var receipt = await _queue.UpdateMessageAsync(messageId, lease.PopReceipt, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: cancellationToken);
                lease.PopReceipt = receipt.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException e)
        {
            LogLostReceipt(messageId, e.ErrorCode);
        }
    }

    /// <summary>The current pop receipt of a message being processed; each renewal replaces it.</summary>
    private sealed class Lease(string popReceipt)
    {
        public string PopReceipt { get; set; } = popReceipt;
    }

    private async Task EnsureQueuesAsync(CancellationToken cancellationToken)
    {
        if (!_queuesExist)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _queuesExist = true;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Receiving from the ingestion queue failed ({Status} {ErrorCode}): {Error}")]
    private partial void LogReceiveFailed(int status, string? errorCode, string error);

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} moved to the poison queue: {Reason}")]
    private partial void LogPoisoned(string messageId, string? reason);

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} was no longer ours to settle ({ErrorCode}); its next delivery will see the run's state")]
    private partial void LogLostReceipt(string messageId, string? errorCode);
}
