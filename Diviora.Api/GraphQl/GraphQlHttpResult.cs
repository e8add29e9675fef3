using GraphQL;

namespace Diviora.Api.GraphQl;

/// <summary>A GraphQL response, <c>{ data, errors }</c>, written as JSON by GraphQL.NET's System.Text.Json serializer.</summary>
internal sealed class GraphQlHttpResult(ExecutionResult result, IGraphQLSerializer serializer, int statusCode = StatusCodes.Status200OK) : IResult
{
    /// <summary>A request that could not be read as GraphQL, answered in GraphQL's shape: <c>{ "errors": [{ "message": ... }] }</c>.</summary>
    public static GraphQlHttpResult RequestError(IGraphQLSerializer serializer, int statusCode, string message) =>
        new(new ExecutionResult { Errors = [new ExecutionError(message)] }, serializer, statusCode);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await serializer.WriteAsync(httpContext.Response.Body, result, httpContext.RequestAborted);
    }
}
