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

        builder.Services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddGraphQlServices();
    }
}
