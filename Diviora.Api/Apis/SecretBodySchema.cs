using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Diviora.Api.Apis;

/// <summary>Marks <see cref="SecretBody.Value"/> in the OpenAPI document as a write-only password, so tools mask it.</summary>
internal static class SecretBodySchema
{
    public static OpenApiOptions MarkSecretValues(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is { Name: "value" } property && property.DeclaringType == typeof(SecretBody))
            {
                schema.WriteOnly = true;
                schema.Format = "password";
            }

            return Task.CompletedTask;
        });
}
