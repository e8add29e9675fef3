using System.Text.Json;
using Diviora.Api.GraphQl;
using Diviora.Core.Storage;
using GraphQL;
using GraphQL.Transport;
using Microsoft.Extensions.FileProviders;

namespace Diviora.Api.Apis;

/// <summary>
/// GraphQL over HTTP: <c>POST /graphql</c> with <c>{ query, variables, operationName }</c> as JSON, or
/// <c>GET /graphql?query=...&amp;variables=...</c>. A well-formed request answers 200 with <c>data</c> and
/// <c>errors</c>; one that cannot be read answers 400 (413 past 1 MiB), in the same shape. Not in the OpenAPI document:
/// the schema describes itself (introspection, <c>/graphql/ui</c>).
/// </summary>
public static class GraphQlApi
{
    private const long MaxRequestBytes = 1024 * 1024;

    /// <summary>The GraphiQL IDE's page; its scripts come from the repository's node_modules.</summary>
    public const string UiPath = "/graphql/ui";

    public static IEndpointRouteBuilder MapGraphQlApi(this IEndpointRouteBuilder app)
    {
        // GraphQL only reads (queries, no mutations).
        var api = app.MapGroup("/graphql").WithTags("GraphQL").ExcludeFromDescription().RequireAuthorization(AppRoles.Reader);
        api.MapPost("", PostAsync).WithName("GraphQlPost").WithSummary("Run a GraphQL request");
        api.MapGet("", GetAsync).WithName("GraphQlGet").WithSummary("Run a GraphQL query given in the query string");
        return app;
    }

    /// <summary>
    /// Serves GraphiQL at <see cref="UiPath"/> from the packages <c>npm ci</c> installs at the repository root
    /// (graphiql, react, react-dom: see package.json), so the page works without a network. Development only.
    /// </summary>
    public static WebApplication MapGraphQlUi(this WebApplication app)
    {
        var nodeModules = FindNodeModules(app.Environment.ContentRootPath);
        if (nodeModules is null)
        {
            app.MapGet(UiPath, () => TypedResults.Problem(
                "GraphiQL is not installed: run 'npm ci' at the repository root (the AppHost build does it).",
                statusCode: StatusCodes.Status404NotFound, title: "GraphiQL not installed")).ExcludeFromDescription().AllowAnonymous();
            return app;
        }

        foreach (var package in GraphiQlPage.Packages)
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Path.Combine(nodeModules, package)),
                RequestPath = $"{UiPath}/assets/{package}",
            });
        }

        // The page is static and holds no data: its requests to /graphql carry the token typed into its headers pane.
        app.MapGet(UiPath, (HttpRequest request) => TypedResults.Content(GraphiQlPage.Html(request.PathBase), "text/html; charset=utf-8"))
            .ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    internal static async Task<IResult> PostAsync(HttpRequest request, GraphQlExecutor executor, IGraphQLTextSerializer serializer, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return GraphQlHttpResult.RequestError(serializer, StatusCodes.Status415UnsupportedMediaType,
                "POST /graphql takes application/json: {\"query\": \"...\", \"variables\": {...}, \"operationName\": \"...\"}.");
        }

        GraphQLRequest? body;
        try
        {
            await using var limited = new ByteLimitStream(request.Body, MaxRequestBytes, limit => new BodyTooLargeException("GraphQL request", limit));
            body = await serializer.ReadAsync<GraphQLRequest>(limited, cancellationToken);
        }
        catch (BodyTooLargeException e)
        {
            return GraphQlHttpResult.RequestError(serializer, StatusCodes.Status413PayloadTooLarge, e.Message);
        }
        catch (JsonException e)
        {
            return GraphQlHttpResult.RequestError(serializer, StatusCodes.Status400BadRequest, $"The body is not a GraphQL request: {e.Message}");
        }

        return await ExecuteAsync(body, request.HttpContext, executor, serializer, cancellationToken);
    }

    internal static async Task<IResult> GetAsync(
        HttpContext context, GraphQlExecutor executor, IGraphQLTextSerializer serializer, CancellationToken cancellationToken,
        string? query = null, string? variables = null, string? operationName = null)
    {
        Inputs? inputs = null;
        if (!string.IsNullOrEmpty(variables))
        {
            try
            {
                inputs = serializer.Deserialize<Inputs>(variables);
            }
            catch (JsonException e)
            {
                return GraphQlHttpResult.RequestError(serializer, StatusCodes.Status400BadRequest, $"variables is not a JSON object: {e.Message}");
            }
        }

        return await ExecuteAsync(new GraphQLRequest { Query = query, Variables = inputs, OperationName = operationName }, context, executor, serializer, cancellationToken);
    }

    private static async Task<IResult> ExecuteAsync(
        GraphQLRequest? request, HttpContext context, GraphQlExecutor executor, IGraphQLSerializer serializer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            return GraphQlHttpResult.RequestError(serializer, StatusCodes.Status400BadRequest, "The request has no query.");
        }

        var result = await executor.ExecuteAsync(request, context.RequestServices, cancellationToken);
        return new GraphQlHttpResult(result, serializer);
    }

    private static string? FindNodeModules(string contentRoot)
    {
        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var nodeModules = Path.Combine(directory.FullName, "node_modules");
            if (GraphiQlPage.Packages.All(p => File.Exists(Path.Combine(nodeModules, p, "package.json"))))
            {
                return nodeModules;
            }
        }

        return null;
    }
}
