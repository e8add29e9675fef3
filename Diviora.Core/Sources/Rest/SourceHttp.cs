using System.Net.Sockets;
using Diviora.Core.Sources.Network;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// The HTTP client sources are fetched with: its own connection pool (no shared resilience handler adds retries to
/// the fetcher's), no proxy, no automatic redirects (<see cref="RestFetcher"/> follows them itself, checking each), and
/// a connect step that goes through <see cref="SourceNetworkPolicy"/>: every address the host resolves to is checked
/// before a byte is sent, and the socket connects to those checked addresses only.
/// </summary>
public static class SourceHttp
{
    /// <summary>A client for <see cref="RestFetcher"/> under <paramref name="policy"/>; its timeout is the fetcher's per-request one.</summary>
    public static HttpClient CreateClient(SourceNetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context, cancellationToken),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

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
