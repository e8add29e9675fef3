using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Messaging.StorageQueues;

/// <summary>
/// The ingestion queue's statistics on Storage Queues: the approximate message count from the queue's properties, the
/// poison queue's count, and the oldest visible message's age by peeking (a message being processed is invisible).
/// Three requests per read.
/// </summary>
public sealed class StorageQueueStatistics(QueueServiceClient queues, IOptions<QueueOptions> options, TimeProvider time) : IQueueStatistics
{
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.Name);
    private readonly QueueClient _poison = queues.GetQueueClient(options.Value.Name + "-poison");

    /// <inheritdoc />
    public async Task<QueueSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var depth = await CountAsync(_queue, cancellationToken);
        var deadLetters = await CountAsync(_poison, cancellationToken);
        TimeSpan? oldest = null;
        if (depth > 0)
        {
            var peeked = (await _queue.PeekMessagesAsync(maxMessages: 1, cancellationToken)).Value;
            if (peeked is [{ InsertedOn: { } inserted }, ..])
            {
                oldest = time.GetUtcNow() - inserted;
            }
        }

        return new QueueSnapshot(depth, oldest, deadLetters);
    }

    /// <summary>A queue's approximate message count; 0 for a queue not created yet.</summary>
    private static async Task<long> CountAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCountLong;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }
}
