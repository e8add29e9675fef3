using System.Diagnostics.Metrics;
using Diviora.Core.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Diviora.Tests.Messaging;

/// <summary>The queue gauges report the last reading of the queue, and nothing before the first one.</summary>
[Trait("Category", "Unit")]
public sealed class QueueGaugesTests
{
    private sealed class FixedStatistics : IQueueStatistics
    {
        public QueueSnapshot? Next { get; set; }

        public int Reads { get; private set; }

        public Task<QueueSnapshot> ReadAsync(CancellationToken cancellationToken)
        {
            Reads++;
            return Next is { } snapshot ? Task.FromResult(snapshot) : throw new UnauthorizedAccessException("Manage claim required\nmore");
        }
    }

    [Fact]
    public async Task Gauges_report_the_last_reading_and_keep_it_when_a_read_fails()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var statistics = new FixedStatistics();
        var meters = services.GetRequiredService<IMeterFactory>();
        var gauges = new QueueGauges(statistics, Options.Create(new QueueOptions { Name = "ingestion" }), meters, NullLogger<QueueGauges>.Instance);

        Assert.Empty(Collect(meters));

        statistics.Next = new QueueSnapshot(7, TimeSpan.FromSeconds(42.5), 2);
        await gauges.RefreshAsync(CancellationToken.None);
        var expected = new Dictionary<string, double> { ["diviora.queue.depth"] = 7, ["diviora.queue.oldest_age"] = 42.5, ["diviora.queue.dead_letters"] = 2 };
        Assert.Equal(expected, Collect(meters));

        statistics.Next = null;
        await gauges.RefreshAsync(CancellationToken.None);
        Assert.Equal(expected, Collect(meters));
        Assert.Equal(2, statistics.Reads);
    }

    [Fact]
    public async Task The_oldest_age_is_zero_when_no_message_waits()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var statistics = new FixedStatistics { Next = new QueueSnapshot(0, null, 0) };
        var meters = services.GetRequiredService<IMeterFactory>();
        var gauges = new QueueGauges(statistics, Options.Create(new QueueOptions()), meters, NullLogger<QueueGauges>.Instance);
        await gauges.RefreshAsync(CancellationToken.None);
        Assert.Equal(0, Collect(meters)["diviora.queue.oldest_age"]);
    }

    /// <summary>
    /// One observation of every queue gauge created through <paramref name="meters"/>: gauges of other tests' hosts,
    /// running at the same time in this process, have meters of the same name from factories of their own.
    /// </summary>
    private static Dictionary<string, double> Collect(IMeterFactory meters)
    {
        var values = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueueGauges.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            Assert.Contains(tags.ToArray(), t => t.Key == "messaging.destination.name");
            values[instrument.Name] = value;
        }
    }
}
