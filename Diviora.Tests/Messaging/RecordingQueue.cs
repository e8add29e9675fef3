using System.Collections.Concurrent;
using Diviora.Core.Messaging;

namespace Diviora.Tests.Messaging;

/// <summary>A queue that keeps the run ids of what was sent.</summary>
internal sealed class RecordingQueue : IIngestionQueue
{
    private readonly ConcurrentQueue<Guid> _sent = new();

    public List<Guid> Sent => [.. _sent];

    public Task SendAsync(RunMessage message, CancellationToken cancellationToken)
    {
        _sent.Enqueue(message.RunId);
        return Task.CompletedTask;
    }
}
