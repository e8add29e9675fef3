using Diviora.Core.Messaging;
using Microsoft.Extensions.Options;

namespace Diviora.Worker.Ingestion;

/// <summary>
/// Sweeps the catalog every <c>Diviora:Queue:SweepInterval</c> for runs left Queued too long (<see cref="RunSweeper"/>),
/// so no run waits forever for a message that was never sent. Each replica sweeps; the sweep's changes are conditional,
/// so they never act on one run twice.
/// </summary>
internal sealed partial class RunSweepWorker(RunSweeper sweeper, IOptions<QueueOptions> options, TimeProvider time, ILogger<RunSweepWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval > TimeSpan.Zero ? options.Value.SweepInterval : TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var sweep = await sweeper.SweepAsync(stoppingToken);
                    if (sweep.Resent + sweep.Failed > 0)
                    {
                        LogSwept(sweep.Resent, sweep.Failed);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The catalog or the storage may be briefly away: the next sweep tries again.
                    LogSweepFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Information, "Sweep: {Resent} runs left Queued had their message sent again, {Failed} failed for a missing payload")]
    private partial void LogSwept(int resent, int failed);

    [LoggerMessage(LogLevel.Warning, "Sweeping for runs left Queued failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception);
}
