using Diviora.Core.Catalog;

namespace Diviora.Core.Messaging;

/// <summary>Sending the message of a run just written to the catalog.</summary>
public static class RunQueueing
{
    /// <summary>
    /// Sends <paramref name="run"/>'s message; when the queue refuses, records the run as Failed with why (nothing else
    /// would ever send it) and returns that error. The run must be tracked by <paramref name="catalog"/> and saved.
    /// Once the run is committed the message goes out even if the caller is cancelled, so no run waits for a message
    /// that never comes.
    /// </summary>
    /// <returns>Null when the message was sent; otherwise the error recorded on the run.</returns>
    public static async Task<string?> SendOrFailAsync(CatalogDbContext catalog, IIngestionQueue queue, Run run, DateTime now)
    {
        try
        {
            await queue.SendAsync(RunMessage.For(run.Id), CancellationToken.None);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Fail($"The run could not be queued: {e.Message}", now);
            await catalog.SaveChangesAsync(CancellationToken.None);
            return run.Error;
        }
    }
}
