using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Diviora.Api.Access;

/// <summary>
/// Declares the bearer scheme in the OpenAPI document (so Scalar offers to authorize with a token) and, on each
/// operation, the role it needs with its 401, 403 and 429 answers.
/// </summary>
internal static class OpenApiBearer
{
    public const string SchemeName = "Bearer";

    public static OpenApiOptions DeclareBearerAccess(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token for the Api's audience with a Reader, Editor or Admin role in its 'roles' claim. " +
                    "Locally: POST a client-credentials request to the identity provider's token endpoint (see docs/security.md).",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = [];
                return Task.CompletedTask;
            }

            // The most demanding role stated on the endpoint or its group; the fallback is Reader.
            var role = metadata.OfType<IAuthorizeData>().Select(a => a.Policy)
                .Where(p => p is AppRoles.Reader or AppRoles.Editor or AppRoles.Admin)
                .MinBy(p => AppRoles.AtLeast(p!).Length) ?? AppRoles.Reader;
            operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Role: {role}." : $"{operation.Description} Role: {role}.";
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-diviora-role"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(role)!);
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or one that is expired, changed or for another audience." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token's role is below {role}." });
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "The caller's rate limit is used up; try again after Retry-After seconds." });
            return Task.CompletedTask;
        });
        return options;
    }
}
