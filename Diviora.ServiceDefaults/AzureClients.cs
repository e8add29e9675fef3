using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers the Azure clients from connection strings the AppHost (or Azure) hands over, in place of the
/// Aspire.Azure.* client packages. Each value is either a full connection string (Azurite, keys) or an endpoint URI
/// reached with <see cref="DefaultAzureCredential"/> (managed identity in Azure).
/// </summary>
public static class AzureClients
{
    /// <summary>
    /// Adds <see cref="BlobServiceClient"/> and <see cref="QueueServiceClient"/> from <c>ConnectionStrings:{name}</c>,
    /// with a readiness check that reaches the account.
    /// </summary>
    public static TBuilder AddAzureStorageClients<TBuilder>(this TBuilder builder, string name) where TBuilder : IHostApplicationBuilder
    {
        var value = Required(builder.Configuration, name);
        if (Uri.TryCreate(value, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "https" or "http")
        {
            // An account URI: the blob endpoint; the queue endpoint is its twin.
            var blob = endpoint.Host.Contains(".queue.", StringComparison.OrdinalIgnoreCase)
                ? new Uri(endpoint.ToString().Replace(".queue.", ".blob.", StringComparison.OrdinalIgnoreCase)) : endpoint;
            var queue = new Uri(blob.ToString().Replace(".blob.", ".queue.", StringComparison.OrdinalIgnoreCase));
            builder.Services.AddSingleton(sp => new BlobServiceClient(blob, Credential(sp)));
            builder.Services.AddSingleton(sp => new QueueServiceClient(queue, Credential(sp)));
        }
        else
        {
            builder.Services.AddSingleton(_ => new BlobServiceClient(value));
            builder.Services.AddSingleton(_ => new QueueServiceClient(value));
        }

        builder.Services.AddHealthChecks()
            .AddCheck<BlobStorageHealthCheck>($"{name}-blobs", tags: ["ready"])
            .AddCheck<QueueStorageHealthCheck>($"{name}-queues", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Adds a <see cref="ServiceBusClient"/> when <c>ConnectionStrings:{name}</c> is set: a connection string
    /// (<c>Endpoint=sb://...</c>) or a fully qualified namespace reached with <see cref="DefaultAzureCredential"/>.
    /// </summary>
    /// <returns>True when Service Bus is configured.</returns>
    public static bool TryAddAzureServiceBusClient(this IHostApplicationBuilder builder, string name)
    {
        var value = builder.Configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        builder.Services.AddSingleton(sp => value.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase)
            ? new ServiceBusClient(value)
            : new ServiceBusClient(NamespaceOf(value), Credential(sp)));
        // The queue gauges read runtime properties through it; that needs the Manage right (Data Owner with an identity).
        builder.Services.AddSingleton(sp => value.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase)
            ? new ServiceBusAdministrationClient(value)
            : new ServiceBusAdministrationClient(NamespaceOf(value), Credential(sp)));
        builder.Services.AddHealthChecks().AddCheck<ServiceBusHealthCheck>(name, tags: ["ready"]);
        return true;
    }

    private static string NamespaceOf(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.Host : value.Trim().TrimEnd('/');

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"No connection string '{name}' is configured: set ConnectionStrings:{name} (the AppHost does this).");

    private static TokenCredential Credential(IServiceProvider services) =>
        services.GetService<TokenCredential>() ?? new DefaultAzureCredential();
}
