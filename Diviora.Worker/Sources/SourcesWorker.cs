using Diviora.Core.Sources;
using Diviora.Core.Sources.Dropzone;
using Microsoft.Extensions.Options;

namespace Diviora.Worker.Sources;

/// <summary>
/// Fires sources' schedules and takes files dropped into the drop zone, until the host stops: from Event Grid events
/// when <c>Diviora:Dropzone:EventsQueue</c> is set (Azure), otherwise by scanning (locally: Azurite has no Event Grid).
/// </summary>
internal sealed partial class SourcesWorker(
    SourceScheduler scheduler, DropzoneIntake dropzone, IOptions<SourcesOptions> options, TimeProvider time, ILogger<SourcesWorker> logger,
    DropzoneEventConsumer? events = null)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Separate loops: copying a large dropped file must not hold up schedules.
        Task.WhenAll(
            LoopAsync(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.ScheduleSeconds)), scheduler.TickAsync, stoppingToken),
            events is not null
                ? events.ConsumeAsync(stoppingToken)
                : LoopAsync(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.DropzoneSeconds)), dropzone.ScanAsync, stoppingToken));

    private async Task LoopAsync<T>(TimeSpan every, Func<CancellationToken, Task<T>> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                await work(stoppingToken);
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
