using Diviora.Tests.Engine;
using Diviora.Tests.Infrastructure;

namespace Diviora.Tests.Warehouse;

/// <summary>A real Azurite and a real PostgreSQL server, shared by the warehouse tests; each test gets fresh databases.</summary>
public sealed class WarehouseFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; } = new();

    public PostgresServer Postgres { get; } = new();

    public Diviora.Tests.Documents.CosmosStandIn Cosmos { get; } = new();

    /// <summary>An engine on a fresh warehouse of <paramref name="kind"/> that also writes documents to the Cosmos stand-in.</summary>
    public async Task<EngineHost> EngineWithDocumentsAsync(string kind) => kind switch
    {
        "sqlite" => await EngineHost.StartAsync(Azurite, documents: Cosmos.ConnectionString),
        _ => await EngineHost.StartAsync(Azurite, warehouse: await Postgres.CreateDatabaseAsync("wh"), documents: Cosmos.ConnectionString),
    };

    /// <summary>An engine on a fresh warehouse of <paramref name="kind"/> (<c>sqlite</c> or <c>postgres</c>).</summary>
    public async Task<EngineHost> EngineAsync(string kind, Func<Diviora.Core.Storage.IPayloadStore, Diviora.Core.Storage.IPayloadStore>? payloads = null) => kind switch
    {
        "sqlite" => await EngineHost.StartAsync(Azurite, payloads),
        "postgres" => await EngineHost.StartAsync(Azurite, payloads, await Postgres.CreateDatabaseAsync("wh")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        await Postgres.InitializeAsync();
        await Cosmos.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Cosmos.DisposeAsync();
        await Postgres.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WarehouseCollection : ICollectionFixture<WarehouseFixture>
{
    public const string Name = "warehouses";
}
