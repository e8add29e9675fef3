using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Diviora.Tests.Infrastructure;

/// <summary>A small HTTP server for tests that play a source's API: Kestrel on 127.0.0.1 and a free port, quiet.</summary>
internal static class LocalWebApp
{
    /// <summary>
    /// An app to map endpoints on, then start, on <paramref name="address"/> (a loopback address); its address is known once
    /// started (<see cref="BaseUrl"/>).
    /// </summary>
    public static WebApplication Create(string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:0");
        return builder.Build();
    }

    /// <summary>The started app's address, without a trailing slash: <c>http://127.0.0.1:41234</c>.</summary>
    public static string BaseUrl(WebApplication app) => app.Urls.First().TrimEnd('/');
}
