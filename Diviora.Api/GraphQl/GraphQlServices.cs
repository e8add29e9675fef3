using GraphQL;
using GraphQL.Execution;
using GraphQLParser.AST;

namespace Diviora.Api.GraphQl;

/// <summary>Registers the GraphQL endpoint's parts: GraphQL.NET with System.Text.Json, the limits, and the catalog schema.</summary>
internal static class GraphQlServices
{
    /// <summary>Expects the warehouse, <c>DatasetQueries</c> and <c>RejectsReader</c> to be registered (AddDivioraCore).</summary>
    public static IServiceCollection AddGraphQlServices(this IServiceCollection services)
    {
        services.AddGraphQL(graphQl => graphQl
            // JSON only, never HTML: data is written as it is, not as \u escapes (as the REST endpoints do).
            .AddSystemTextJson(json => json.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
            // One resolver at a time: a request holds at most one catalog connection, however many fields it asks for.
            .AddExecutionStrategy<SerialExecutionStrategy>(OperationType.Query)
            .AddComplexityAnalyzer(GraphQlLimits.Configure));
        services.AddSingleton<CatalogSchemaBuilder>();
        services.AddSingleton<CatalogSchemaCache>();
        services.AddSingleton<GraphQlExecutor>();
        return services;
    }
}
