using Diviora.Api.Access;
using Diviora.Api.Apis;
using Diviora.Api.GraphQl;
using Diviora.Core;

namespace Diviora.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddAzureStorageClients("storage");
        builder.TryAddAzureServiceBusClient("messaging");
        builder.AddDivioraCore();
        builder.AddDivioraAccess();
        builder.AddDivioraRateLimits();

        builder.Services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section);
        builder.Services.AddProblemDetails();
        // The Api answers JSON only, never HTML: data such as "Müller" or "+02:00" is written as it is, not as \u escapes.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.Services.AddOpenApi(options => options.MarkSecretValues().DeclareBearerAccess());
        builder.Services.AddGraphQlServices();
    }
}
