using Aspire.Hosting.ApplicationModel;

namespace Diviora.Tests.Platform;

/// <summary>A service's console output, as the AppHost captures it.</summary>
internal static class ResourceLogs
{
    /// <summary>
    /// Every line <paramref name="resource"/> wrote, from its start, until <paramref name="cancellationToken"/> fires.
    /// Watching makes the AppHost stream the service's console output into the logger service.
    /// </summary>
    public static async Task<List<string>> WatchAsync(ResourceLoggerService logs, IResource resource, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(cancellationToken))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return lines;
    }
}
