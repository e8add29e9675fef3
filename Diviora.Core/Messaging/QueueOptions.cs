namespace Diviora.Core.Messaging;

/// <summary>Settings of the ingestion queue, bound from the <c>Diviora:Queue</c> configuration section.</summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Diviora:Queue";

    /// <summary>The queue name; the Storage Queue transport keeps poison messages in <c>{name}-poison</c>.</summary>
    public string Name { get; set; } = "ingestion";

    /// <summary>Deliveries of one message before it goes to the poison or dead-letter queue and its run fails.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>
    /// The lease of a received message: how long it stays invisible to other workers. A worker renews it every half
    /// timeout while it processes the run, so a run whose worker dies is taken over by another once this runs out.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a run may wait Queued before the Worker's sweep deems its message lost (the Api or a worker stopped
    /// between writing the run and sending it) and sends it again, or fails the run when its payload is missing.
    /// </summary>
    public TimeSpan StaleQueuedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each Worker sweeps the catalog for runs left Queued longer than <see cref="StaleQueuedAfter"/>.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idle Storage Queue consumer waits before it looks again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the Worker reads the queue's depth, oldest age and dead letters for the queue gauges.</summary>
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The first retry delay; each later retry waits twice as long as the one before.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The delay before retry number <paramref name="deliveryCount"/>.</summary>
    internal TimeSpan RetryDelayAfter(int deliveryCount) =>
        TimeSpan.FromTicks(RetryDelay.Ticks * (1L << Math.Clamp(deliveryCount - 1, 0, 10)));
}
