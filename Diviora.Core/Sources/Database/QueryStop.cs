namespace Diviora.Core.Sources.Database;

/// <summary>
/// Stops a running statement when the fetch is cancelled, and, where the database has no statement timeout of its own,
/// when a timer runs out; <see cref="TimedOut"/> says which. Disposing it ends both.
/// </summary>
internal sealed class QueryStop : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenRegistration _cancelled;
    private readonly CancellationTokenRegistration _expired;

    /// <param name="stop">Stops the statement; called on a thread pool thread, maybe while the statement runs.</param>
    /// <param name="timeout">When given, <paramref name="stop"/> is also called this long after now.</param>
    /// <param name="cancellationToken">The fetch's token.</param>
    public QueryStop(Action stop, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        _cancelled = cancellationToken.Register(stop);
        if (timeout is { } after)
        {
            _timer = new CancellationTokenSource(after);
            _expired = _timer.Token.Register(stop);
        }
    }

    /// <summary>True when the timer stopped the statement.</summary>
    public bool TimedOut => _timer?.IsCancellationRequested == true;

    public void Dispose()
    {
        _cancelled.Dispose();
        _expired.Dispose();
        _timer?.Dispose();
    }
}
