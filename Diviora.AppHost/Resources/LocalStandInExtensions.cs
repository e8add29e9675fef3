using Aspire.Hosting.ApplicationModel;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Declares the local stand-ins for Azure resources: no container engine needed.</summary>
public static class LocalStandInExtensions
{
    /// <summary>
    /// Adds Azurite (blob and queue) from the repository's <c>node_modules</c>. Its data lives under
    /// <paramref name="dataDirectory"/>, or in memory when <paramref name="dataDirectory"/> is null.
    /// </summary>
    public static IResourceBuilder<AzuriteResource> AddAzurite(
        this IDistributedApplicationBuilder builder, string name, string repositoryRoot, string? dataDirectory)
    {
        var script = Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new DistributedApplicationException(
                $"Azurite is not installed at {script}. Run 'npm ci' in {repositoryRoot} (the AppHost's build does this when node_modules is missing).");
        }

        var azurite = new AzuriteResource(name, "node", repositoryRoot);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            var connectionString = await azurite.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var client = new BlobServiceClient(connectionString, new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } });
            await client.GetPropertiesAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        });

        return builder.AddResource(azurite)
            .WithHttpEndpoint(name: AzuriteResource.BlobEndpointName)
            .WithHttpEndpoint(name: AzuriteResource.QueueEndpointName)
            .WithArgs(context =>
            {
                context.Args.Add(script);
                context.Args.Add("--blobHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--blobPort");
                context.Args.Add(azurite.BlobEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--queueHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--queuePort");
                context.Args.Add(azurite.QueueEndpoint.Property(EndpointProperty.TargetPort));
                // Azurite always starts a table service too; port 0 keeps it off 10002, which may be taken.
                context.Args.Add("--tableHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--tablePort");
                context.Args.Add("0");
                if (dataDirectory is null)
                {
                    context.Args.Add("--inMemoryPersistence");
                }
                else
                {
                    context.Args.Add("--location");
                    context.Args.Add(dataDirectory);
                }

                // The current SDKs send an API version newer than Azurite knows.
                context.Args.Add("--skipApiVersionCheck");
                context.Args.Add("--disableTelemetry");
                context.Args.Add("--loose");
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Adds the embedded SQLite warehouse: the file <paramref name="databasePath"/>, created by the first service that opens it.</summary>
    public static IResourceBuilder<SqliteWarehouseResource> AddSqliteWarehouse(this IDistributedApplicationBuilder builder, string name, string databasePath)
    {
        var warehouse = new SqliteWarehouseResource(name, databasePath);
        builder.Eventing.Subscribe<BeforeStartEvent>(async (@event, cancellationToken) =>
        {
            // A file has no process to watch: it is ready as soon as the app starts.
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(warehouse, state => state with
            {
                ResourceType = "SQLite",
                State = KnownResourceStates.Running,
                Properties = [.. state.Properties, new ResourcePropertySnapshot("path", databasePath)],
            });
        });
        return builder.AddResource(warehouse);
    }
}
