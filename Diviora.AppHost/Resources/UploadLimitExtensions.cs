using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

internal static class UploadLimitExtensions
{
    private const string MaxFileBytes = "Diviora:Uploads:MaxFileBytes";

    /// <summary>
    /// Hands the AppHost's <c>Diviora:Uploads:MaxFileBytes</c>, when set, to a service: the Api refuses a larger file, and
    /// the Web raises its request limit for the upload pass-through to the same figure, so the two stay in step.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithUploadLimit(this IResourceBuilder<ProjectResource> service, IConfiguration configuration)
    {
        if (configuration[MaxFileBytes] is { Length: > 0 } value)
        {
            service.WithEnvironment(MaxFileBytes.Replace(":", "__", StringComparison.Ordinal), value);
        }

        return service;
    }
}
