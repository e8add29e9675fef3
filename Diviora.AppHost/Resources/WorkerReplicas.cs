using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>How many Worker replicas the AppHost runs: <c>Diviora:Workers</c> (<c>--workers N</c>), 1 by default.</summary>
internal static class WorkerReplicas
{
    private const string Setting = "Diviora:Workers";

    public static int From(IConfiguration configuration) =>
        configuration[Setting] is not { Length: > 0 } text ? 1
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 64 ? count
        : throw new DistributedApplicationException($"{Setting} (--workers) is '{text}'; give a whole number of worker replicas from 1 to 64.");
}
