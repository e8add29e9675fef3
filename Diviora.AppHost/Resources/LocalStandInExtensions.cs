using Aspire.Hosting.ApplicationModel;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>Declares the local stand-ins for Azure resources: no container engine needed.</summary>
public static class LocalStandInExtensions
{
    private static readonly HttpClient StandInProbe = new() { Timeout = TimeSpan.FromSeconds(5) };

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

    /// <summary>
    /// Adds the Cosmos DB stand-in (npm <c>@vercel/cosmosdb-server</c>) from the repository's <c>node_modules</c>, started
    /// by <c>Resources/cosmos-stand-in.js</c> over http on 127.0.0.1. Its data lives in memory and is gone when it stops.
    /// </summary>
    public static IResourceBuilder<CosmosStandInResource> AddCosmosStandIn(this IDistributedApplicationBuilder builder, string name, string repositoryRoot)
    {
        var package = Path.Combine(repositoryRoot, "node_modules", "@vercel", "cosmosdb-server", "package.json");
        if (!File.Exists(package))
        {
            throw new DistributedApplicationException(
                $"The Cosmos DB stand-in is not installed at {Path.GetDirectoryName(package)}. Run 'npm ci' in {repositoryRoot} (the AppHost's build does this when it is missing), or start without it: --Diviora:Documents false.");
        }

        var script = Path.Combine(builder.AppHostDirectory, "Resources", "cosmos-stand-in.js");
        var standIn = new CosmosStandInResource(name, "node", repositoryRoot);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            // The account read every Cosmos client starts with.
            using var response = await StandInProbe.GetAsync(new Uri($"{standIn.PrimaryEndpoint.Url}/"), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The Cosmos stand-in answered the account read with {(int)response.StatusCode}.");
        });

        return builder.AddResource(standIn)
            .WithHttpEndpoint(name: CosmosStandInResource.PrimaryEndpointName)
            .WithArgs(context =>
            {
                context.Args.Add(script);
                context.Args.Add("--host");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(standIn.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Adds a PostgreSQL server from the machine's binaries (<c>Diviora:Postgres:BinDirectory</c>, else the newest under
    /// /usr/lib/postgresql). Its cluster lives in <c>{dataDirectory}/postgres</c>, created by initdb before the first
    /// start, with a generated password kept in <c>{dataDirectory}/postgres.password</c>.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var installation = PostgresInstallation.Find(builder.Configuration[PostgresInstallation.BinDirectorySetting]);
        var clusterDirectory = Path.Combine(dataDirectory, "postgres");
        var passwordFile = Path.Combine(dataDirectory, "postgres.password");
        Directory.CreateDirectory(dataDirectory);
        var password = builder.AddParameter($"{name}-password", PostgresInstallation.ReadOrCreatePassword(passwordFile, clusterDirectory), secret: true);

        var (command, prefix) = installation.Command("postgres");
        var postgres = new PostgresServerResource(name, command, clusterDirectory, password.Resource);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            // No pooling: an idle pooled connection would hold off the server's shutdown when the AppHost stops.
            var connectionString = new NpgsqlConnectionStringBuilder(await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken))
            {
                Database = "postgres",
                Pooling = false,
                Timeout = 5,
            };
            await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var select = new NpgsqlCommand("SELECT 1", connection);
            await select.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        });

        // DCP stops an executable with SIGTERM, which PostgreSQL takes as a "smart" shutdown that waits for every client
        // to leave (DCP kills it after a few seconds). When the AppHost stops, ask for a fast shutdown instead, as the
        // postgres container image does with STOPSIGNAL SIGINT.
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => installation.RequestFastShutdown(clusterDirectory));
            return Task.CompletedTask;
        });

        // A Unix socket path is limited to 107 bytes; past that the server listens on TCP only.
        var socketDirectory = Path.Combine(clusterDirectory, ".s.PGSQL.65535").Length < 108 ? clusterDirectory : "";
        return builder.AddResource(postgres)
            .WithEndpoint(name: PostgresServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(clusterDirectory);
                context.Args.Add("-h");
                context.Args.Add("127.0.0.1");
                context.Args.Add("-p");
                context.Args.Add(postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-k");
                context.Args.Add(socketDirectory);
            })
            .OnBeforeResourceStarted(async (resource, @event, cancellationToken) =>
            {
                var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
                await installation.InitializeClusterAsync(clusterDirectory, passwordFile, logger, cancellationToken);
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
