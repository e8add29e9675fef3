using System.Collections.Concurrent;

namespace Diviora.Tests.Infrastructure;

/// <summary>Waits complete at once; each wait asked for is recorded. Now is a fixed instant.</summary>
internal sealed class RecordedTime : TimeProvider
{
    public static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentQueue<TimeSpan> _waits = new();

    public List<TimeSpan> Waits => [.. _waits];

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        var timer = new Timer(callback, state, Timeout.Infinite, Timeout.Infinite);
        timer.Change(1, Timeout.Infinite);
        return timer;
    }
}
