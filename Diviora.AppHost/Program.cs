using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// "--warehouse postgres" is short for "--Diviora:Warehouse postgres", and "--workers 3" for "--Diviora:Workers 3".
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--warehouse"] = "Diviora:Warehouse", ["--workers"] = "Diviora:Workers" });

// Local data (Azurite's blobs and queues, the SQLite or PostgreSQL warehouse) lives in a git-ignored folder, so restarts keep uploads.
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

// Warehouse: ConnectionStrings:warehouse when configured, else Diviora:Warehouse picks a local one: the SQLite file
// (default) or a PostgreSQL server from the machine's binaries.
IResourceBuilder<IResourceWithConnectionString> warehouse = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("warehouse"))
    ? builder.AddConnectionString("warehouse")
    : (builder.Configuration["Diviora:Warehouse"] ?? "sqlite").ToLowerInvariant() switch
    {
        "sqlite" => builder.AddSqliteWarehouse("warehouse", Path.Combine(dataDirectory, "warehouse.db")),
        "postgres" => builder.AddLocalPostgres("warehouse", dataDirectory),
        var other => throw new DistributedApplicationException($"Diviora:Warehouse is '{other}'; use 'sqlite' or 'postgres'."),
    };

// Documents: a Cosmos DB account when ConnectionStrings:documents is configured, else the npm Cosmos stand-in (in memory:
// it starts empty every time) unless Diviora:Documents is false ("--Diviora:Documents false" starts without documents).
IResourceBuilder<IResourceWithConnectionString>? documents = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("documents"))
    ? builder.AddConnectionString("documents")
    : builder.Configuration.GetValue("Diviora:Documents", true) ? builder.AddCosmosStandIn("documents", repositoryRoot) : null;

// Sign-in: the local OpenID provider, a development stand-in for Entra External ID (docs/security.md).
var identity = builder.AddLocalIdentity("identity", repositoryRoot, dataDirectory);

// SQLite sources may open only files in this folder (docs/security.md); the warehouse's own file is outside it.
var sqliteSources = Path.Combine(dataDirectory, "sources");
Directory.CreateDirectory(sqliteSources);

// The Data Protection key ring (the keys of the blob secret store) is encrypted to a certificate kept in the data folder.
var keyRing = builder.AddKeyRingCertificate(dataDirectory);

var api = builder.AddProject<Projects.Diviora_Api>("api")
    .WithKeyRingCertificate(keyRing.Password, keyRing.PfxFile)
    .WithTokenChecks(identity)
    .WithApplicationInsights(builder.Configuration)
    .WithSourcesPolicy(builder.Configuration, sqliteSources)
    .WithUploadLimit(builder.Configuration)
    .WithQueueSettings(builder.Configuration)
    .WithReference(storage).WaitFor(storage)
    .WithReference(warehouse).WaitFor(warehouse)
    .WithHttpHealthCheck("/health");

// Worker replicas compete for runs on the queue, as the Worker's replicas in Azure do on Service Bus.
var worker = builder.AddProject<Projects.Diviora_Worker>("worker")
    .WithKeyRingCertificate(keyRing.Password, keyRing.PfxFile)
    .WithApplicationInsights(builder.Configuration)
    .WithSourcesPolicy(builder.Configuration, sqliteSources)
    .WithQueueSettings(builder.Configuration)
    .WithReference(storage).WaitFor(storage)
    .WithReference(warehouse).WaitFor(warehouse)
    .WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithReplicas(WorkerReplicas.From(builder.Configuration));

if (messaging is not null)
{
    api.WithReference(messaging);
    worker.WithReference(messaging);
}

if (documents is not null)
{
    api.WithReference(documents).WaitFor(documents);
    worker.WithReference(documents).WaitFor(documents);
}

builder.AddProject<Projects.Diviora_Web>("web")
    .WithApplicationInsights(builder.Configuration)
    .WithReference(api).WaitFor(api)
    .WithSignIn(identity)
    .WithUploadLimit(builder.Configuration)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
