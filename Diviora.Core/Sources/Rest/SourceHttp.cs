using System.Net.Sockets;
using Diviora.Core.Sources.Network;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// The HTTP client sources are fetched with, a named client of <see cref="IHttpClientFactory"/>. Its primary handler has
/// no proxy, no automatic redirects (<see cref="RestFetcher"/> follows them itself, checking each), no cookies, and a
/// connect step that goes through <see cref="SourceNetworkPolicy"/>: every address the host resolves to is checked before
/// a byte is sent, and the socket connects to those checked addresses only. Retries and timeouts come from one resilience
/// handler (<see cref="SourceResilience"/>), whatever handlers a host adds to its other clients.
/// </summary>
public static class SourceHttp
{
    /// <summary>The name of the client in <see cref="IHttpClientFactory"/>.</summary>
    public const string ClientName = "Diviora.Sources";

    /// <summary>
    /// Registers the sources client. It takes the <see cref="SourceNetworkPolicy"/> and the <see cref="TimeProvider"/>
    /// (retry waits run on it) from the container.
    /// </summary>
    public static IHttpClientBuilder AddSourceHttp(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var client = services.AddHttpClient(ClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(sp.GetRequiredService<SourceNetworkPolicy>()))
            // The pool renews its connections itself, and the fetchers keep their client for the life of the host.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // A source URL may carry a key in its query; the fetcher names pages with such values masked.
            .RemoveAllLoggers()
            // Hosts add a standard resilience handler and service discovery to every client: neither belongs here.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear());
        client.AddResilienceHandler("fetch", (pipeline, context) =>
            SourceResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<TimeProvider>()))
            .SelectPipelineByAuthority();
        return client;
    }

    /// <summary>
    /// The sources client for code that has no container (benchmarks, tools, tests): the same registration as
    /// <see cref="AddSourceHttp"/>, under <paramref name="policy"/>, with retry waits on <paramref name="time"/>
    /// (the system clock when null).
    /// </summary>
    public static HttpClient CreateClient(SourceNetworkPolicy policy, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var services = new ServiceCollection();
        services.AddSingleton(policy);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSourceHttp();
        // The provider lives as long as the client's handlers, which the factory owns.
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
    }

    private static SocketsHttpHandler CreateHandler(SourceNetworkPolicy policy) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(SourceNetworkPolicy policy, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await policy.ResolveAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
