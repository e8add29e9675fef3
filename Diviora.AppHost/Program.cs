using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Local data (Azurite's blobs and queues, the SQLite warehouse) lives in a git-ignored folder, so restarts keep uploads.
var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
var dataDirectory = Path.GetFullPath(builder.Configuration["Diviora:DataDirectory"] ?? Path.Combine(repositoryRoot, ".data"));
Directory.CreateDirectory(dataDirectory);

// Storage: an Azure account when ConnectionStrings:storage is configured, else Azurite.
IResourceBuilder<IResourceWithConnectionString> storage = string.IsNullOrEmpty(builder.Configuration.GetConnectionString("storage"))
    ? builder.AddAzurite("storage", repositoryRoot,
        builder.Configuration.GetValue<bool>("Diviora:Storage:InMemory") ? null : Path.Combine(dataDirectory, "azurite"))
    : builder.AddConnectionString("storage");

// Messaging: Azure Service Bus when ConnectionStrings:messaging is configured, else a Storage Queue on the storage above.
var messaging = string.IsNullOrEmpty(builder.Configuration.GetConnectionString("messaging")) ? null : builder.AddConnectionString("messaging");

var warehouse = builder.AddSqliteWarehouse("warehouse", Path.Combine(dataDirectory, "warehouse.db"));

var api = builder.AddProject<Projects.Diviora_Api>("api")
    .WithReference(storage).WaitFor(storage)
    .WithReference(warehouse)
    .WithHttpHealthCheck("/health");

var worker = builder.AddProject<Projects.Diviora_Worker>("worker")
    .WithReference(storage).WaitFor(storage)
    .WithReference(warehouse)
    .WaitFor(api)
    .WithHttpHealthCheck("/health");

if (messaging is not null)
{
    api.WithReference(messaging);
    worker.WithReference(messaging);
}

builder.AddProject<Projects.Diviora_Web>("web")
    .WithReference(api).WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
