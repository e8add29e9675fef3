using System.Net;
using System.Net.Sockets;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// The HTTP client sources are fetched with: its own connection pool (no shared resilience handler adds retries to
/// the fetcher's), and a guard that refuses link-local addresses (169.254.0.0/16, fe80::/10), where cloud hosts serve
/// instance metadata and managed-identity tokens. The guard checks the addresses a name resolves to, so a DNS name
/// pointing there is refused too. Loopback and private networks stay reachable: sources often live on them.
/// </summary>
public static class SourceHttp
{
    /// <summary>A client for <see cref="RestFetcher"/>; its timeout is the fetcher's per-request one.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = ConnectAsync,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>True for an address sources may not reach: link-local, IPv4 or IPv6 (also IPv4 mapped into IPv6).</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? address.IsIPv6LinkLocal
            : address.GetAddressBytes() is [169, 254, _, _];
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.FirstOrDefault(IsRefused) is { } refused)
        {
            throw new SourceAddressRefusedException($"{host} is {refused}, a link-local address, where cloud hosts serve instance metadata and identity tokens: sources may not reach it.");
        }

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

/// <summary>A source's URL leads to an address sources may not reach; retrying cannot help.</summary>
public sealed class SourceAddressRefusedException(string message) : Exception(message);
