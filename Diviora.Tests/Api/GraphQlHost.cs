using System.Text.Json;
using Diviora.Api.GraphQl;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Query;
using Diviora.Core.Warehouse;
using Diviora.Tests.Engine;
using GraphQL;
using GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Api;

/// <summary>
/// The Api's GraphQL services over a real engine (Azurite and a SQLite warehouse in a temporary folder), without
/// the rest of the Api: documents go through <see cref="GraphQlExecutor"/> and come back as the JSON a client reads.
/// </summary>
internal sealed class GraphQlHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GraphQlHost(EngineHost engine, ServiceProvider services) => (Engine, _services) = (engine, services);

    public EngineHost Engine { get; }

    public static async Task<GraphQlHost> StartAsync(AzuriteServer azurite)
    {
        var engine = await EngineHost.StartAsync(azurite);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(engine.Get<IWarehouse>())
            .AddSingleton(engine.Get<DatasetQueries>())
            .AddSingleton(engine.Get<RejectsReader>())
            .AddGraphQlServices();
        return new GraphQlHost(engine, services.BuildServiceProvider());
    }

    /// <summary>The services as the Api registers them, for tests that host the endpoints themselves.</summary>
    public void AddTo(IServiceCollection services) =>
        services
            .AddSingleton(Engine.Get<IWarehouse>())
            .AddSingleton(Engine.Get<DatasetQueries>())
            .AddSingleton(Engine.Get<RejectsReader>())
            .AddGraphQlServices();

    /// <summary>Runs <paramref name="query"/> and answers the response as JSON (<c>data</c>, <c>errors</c>).</summary>
    public async Task<JsonElement> QueryAsync(string query, string? variables = null)
    {
        var serializer = _services.GetRequiredService<IGraphQLTextSerializer>();
        var request = new GraphQLRequest { Query = query, Variables = variables is null ? null : serializer.Deserialize<Inputs>(variables) };
        using var scope = _services.CreateScope();
        var result = await _services.GetRequiredService<GraphQlExecutor>().ExecuteAsync(request, scope.ServiceProvider, CancellationToken.None);
        return JsonDocument.Parse(serializer.Serialize(result)).RootElement.Clone();
    }

    /// <summary>Runs <paramref name="query"/>, asserts it answered no errors, and returns <c>data</c>.</summary>
    public async Task<JsonElement> DataAsync(string query, string? variables = null)
    {
        var response = await QueryAsync(query, variables);
        Assert.False(response.TryGetProperty("errors", out var errors), errors.ToString());
        return response.GetProperty("data");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
