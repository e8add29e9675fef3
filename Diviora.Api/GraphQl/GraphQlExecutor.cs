using GraphQL;
using GraphQL.Transport;

namespace Diviora.Api.GraphQl;

/// <summary>Runs a GraphQL request against the catalog's current schema.</summary>
internal sealed partial class GraphQlExecutor(CatalogSchemaCache schemas, IDocumentExecuter executer, ILogger<GraphQlExecutor> logger)
{
    public async Task<ExecutionResult> ExecuteAsync(GraphQLRequest request, IServiceProvider services, CancellationToken cancellationToken)
    {
        var schema = await schemas.GetAsync(cancellationToken);
        return await executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = schema,
            Query = request.Query,
            Variables = request.Variables,
            OperationName = request.OperationName,
            Extensions = request.Extensions,
            RequestServices = services,
            CancellationToken = cancellationToken,
            UnhandledExceptionDelegate = context =>
            {
                // Users see "Error trying to resolve field"; the log keeps the exception.
                LogResolverFailed(logger, context.OriginalException, context.FieldContext?.FieldDefinition.Name);
                return Task.CompletedTask;
            },
        });
    }

    [LoggerMessage(LogLevel.Error, "A GraphQL resolver failed (field {Field})")]
    private static partial void LogResolverFailed(ILogger logger, Exception exception, string? field);
}
