namespace Diviora.Core.Messaging;

/// <summary>The ingestion queue at one moment, as the queue gauges report it.</summary>
/// <param name="Depth">Messages waiting (approximate on Storage Queues; active messages on Service Bus).</param>
/// <param name="OldestAge">How long the oldest waiting message has waited; null when none waits or it cannot be seen.</param>
/// <param name="DeadLetters">Messages in the poison queue (Storage Queues) or the dead-letter sub-queue (Service Bus).</param>
public sealed record QueueSnapshot(long Depth, TimeSpan? OldestAge, long DeadLetters);

/// <summary>Reads a <see cref="QueueSnapshot"/> from the transport in use; the seam of the queue gauges.</summary>
public interface IQueueStatistics
{
    /// <summary>Reads the queue now; throws when the transport cannot be read.</summary>
    Task<QueueSnapshot> ReadAsync(CancellationToken cancellationToken);
}
