using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Diviora.Core.Documents;

/// <summary>Ready when the Cosmos DB account answers with its properties.</summary>
internal sealed class DocumentsHealthCheck(CosmosClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // ReadAccountAsync takes no token: give up waiting on it instead.
        await client.ReadAccountAsync().WaitAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
