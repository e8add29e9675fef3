using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Messaging;

/// <summary>
/// The ingestion queue as observable gauges: <c>diviora.queue.depth</c>, <c>diviora.queue.oldest_age</c> (seconds) and
/// <c>diviora.queue.dead_letters</c>. The queue is read in the background every <see cref="QueueOptions.StatisticsInterval"/>;
/// a metric collection only reads the last snapshot, so exporting often costs the queue nothing.
/// </summary>
public sealed partial class QueueGauges : BackgroundService
{
    /// <summary>The name of the meter the gauges belong to.</summary>
    public const string MeterName = "Diviora.Messaging";

    private readonly IQueueStatistics _statistics;
    private readonly TimeSpan _interval;
    private readonly ILogger<QueueGauges> _logger;
    private readonly KeyValuePair<string, object?> _queueTag;
    private volatile QueueSnapshot? _last;
    private bool _failing;

    public QueueGauges(IQueueStatistics statistics, IOptions<QueueOptions> options, IMeterFactory meters, ILogger<QueueGauges> logger)
    {
        (_statistics, _interval, _logger) = (statistics, options.Value.StatisticsInterval, logger);
        _queueTag = new("messaging.destination.name", options.Value.Name);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("diviora.queue.depth", () => Observe(s => s.Depth), "{message}", "Messages waiting on the ingestion queue");
        meter.CreateObservableGauge("diviora.queue.oldest_age", ObserveOldestAge, "s", "Age of the oldest message waiting on the ingestion queue");
        meter.CreateObservableGauge("diviora.queue.dead_letters", () => Observe(s => s.DeadLetters), "{message}", "Messages in the ingestion queue's poison or dead-letter queue");
    }

    /// <summary>The last snapshot read, or null before the first read succeeded.</summary>
    public QueueSnapshot? Last => _last;

    private IEnumerable<Measurement<long>> Observe(Func<QueueSnapshot, long> value) =>
        _last is { } snapshot ? [new Measurement<long>(value(snapshot), _queueTag)] : [];

    private IEnumerable<Measurement<double>> ObserveOldestAge() =>
        _last is { } snapshot ? [new Measurement<double>(snapshot.OldestAge?.TotalSeconds ?? 0, _queueTag)] : [];

    /// <summary>Reads the queue once; a failure keeps the last snapshot and is logged once until a read succeeds again.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            _last = await _statistics.ReadAsync(cancellationToken);
            _failing = false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!_failing)
            {
                LogReadFailed(e.GetType().Name, e.Message.Split('\n', 2)[0]);
                _failing = true;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Warning, "The ingestion queue's statistics could not be read ({Kind}): {Reason}; the queue gauges keep their last values")]
    private partial void LogReadFailed(string kind, string reason);
}
