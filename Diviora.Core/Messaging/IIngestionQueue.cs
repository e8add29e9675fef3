namespace Diviora.Core.Messaging;

/// <summary>The sending side of the <c>ingestion</c> queue.</summary>
public interface IIngestionQueue
{
    /// <summary>Queues <paramref name="message"/> for a worker.</summary>
    Task SendAsync(RunMessage message, CancellationToken cancellationToken);
}

/// <summary>The receiving side of the <c>ingestion</c> queue.</summary>
public interface IIngestionConsumer
{
    /// <summary>Delivers messages to <paramref name="handler"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task ConsumeAsync(IRunMessageHandler handler, CancellationToken cancellationToken);
}
