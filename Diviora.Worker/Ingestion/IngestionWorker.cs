using Diviora.Core.Messaging;

namespace Diviora.Worker.Ingestion;

/// <summary>Feeds run messages from the ingestion queue to the run processor until the host stops.</summary>
internal sealed partial class IngestionWorker(IIngestionConsumer consumer, IRunMessageHandler handler, ILogger<IngestionWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(consumer.GetType().Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await consumer.ConsumeAsync(handler, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Keep consuming: a broken connection must not stop the worker for good.
                LogConsumerFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Consuming the ingestion queue with {Transport}")]
    private partial void LogStarted(string transport);

    [LoggerMessage(LogLevel.Error, "The ingestion consumer failed; restarting it in 5 s")]
    private partial void LogConsumerFailed(Exception exception);
}
