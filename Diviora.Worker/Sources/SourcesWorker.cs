using Diviora.Core.Sources;
using Diviora.Core.Sources.Dropzone;
using Microsoft.Extensions.Options;

namespace Diviora.Worker.Sources;

/// <summary>How often the worker looks for due schedules and for files in the drop zone.</summary>
public sealed class SourcesOptions
{
    public const string Section = "Diviora:Sources";

    /// <summary>Seconds between looks at the schedules; a run starts at most this late.</summary>
    public double ScheduleSeconds { get; set; } = 1;

    /// <summary>Seconds between scans of the drop zone.</summary>
    public double DropzoneSeconds { get; set; } = 5;
}

/// <summary>Fires sources' schedules and takes files dropped into the drop zone, until the host stops.</summary>
internal sealed partial class SourcesWorker(
    SourceScheduler scheduler, DropzoneIntake dropzone, IOptions<SourcesOptions> options, TimeProvider time, ILogger<SourcesWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.ScheduleSeconds));
        var scan = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.DropzoneSeconds));
        var nextScan = time.GetUtcNow();
        using var timer = new PeriodicTimer(schedule, time);
        do
        {
            try
            {
                await scheduler.TickAsync(stoppingToken);
                if (time.GetUtcNow() >= nextScan)
                {
                    await dropzone.ScanAsync(stoppingToken);
                    nextScan = time.GetUtcNow() + scan;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The catalog or the storage may be starting or briefly away: the next tick tries again.
                LogTickFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Looking for due sources and dropped files failed; trying again on the next tick")]
    private partial void LogTickFailed(Exception exception);
}
