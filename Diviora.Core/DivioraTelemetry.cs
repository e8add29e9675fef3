using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Diviora.Core;

/// <summary>Diviora's own traces and metrics; service defaults subscribe to every source named <c>Diviora.*</c>.</summary>
public static class DivioraTelemetry
{
    /// <summary>The name of the ingestion activity source and meter.</summary>
    public const string IngestionName = "Diviora.Ingestion";

    /// <summary>Spans of uploads, queue hand-offs and runs.</summary>
    public static readonly ActivitySource Ingestion = new(IngestionName);

    private static readonly Meter Meter = new(IngestionName);

    /// <summary>Rows loaded into datasets.</summary>
    public static readonly Counter<long> RowsLoaded = Meter.CreateCounter<long>("diviora.ingestion.rows_loaded", "{row}", "Rows loaded into datasets");

    /// <summary>Runs that ended, tagged with their status.</summary>
    public static readonly Counter<long> RunsEnded = Meter.CreateCounter<long>("diviora.ingestion.runs_ended", "{run}", "Ingestion runs that ended");

    /// <summary>Rows of runs that did not fit (listed as rejects), whether or not the run then succeeded.</summary>
    public static readonly Counter<long> RowsRejected = Meter.CreateCounter<long>("diviora.ingestion.rows_rejected", "{row}", "Rows rejected by runs");

    /// <summary>Records fetched from REST and database sources.</summary>
    public static readonly Counter<long> RecordsFetched = Meter.CreateCounter<long>("diviora.sources.records_fetched", "{record}", "Records fetched from REST and database sources");

    /// <summary>How long runs took from start to end, tagged with their status.</summary>
    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("diviora.ingestion.run_duration", "s", "Duration of ingestion runs");

    /// <summary>How long a run message waited on the ingestion queue before its first delivery.</summary>
    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("diviora.ingestion.queue_wait", "s", "Time run messages waited on the ingestion queue");

    /// <summary>Records how long a message enqueued at <paramref name="enqueued"/> waited, on its first delivery only.</summary>
    internal static void RecordQueueWait(DateTimeOffset? enqueued, long deliveryCount)
    {
        if (enqueued is { } at && deliveryCount <= 1)
        {
            QueueWait.Record(Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds));
        }
    }
}
