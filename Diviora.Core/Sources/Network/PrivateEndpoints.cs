using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Diviora.Core.Sources.Network;

/// <summary>
/// The non-public endpoints an operator lets sources reach (<c>Diviora:Sources:AllowPrivateEndpoints</c>): a
/// comma-separated list of <c>host:port</c> (<c>db.internal:5432</c>, <c>127.0.0.1:18765</c>, <c>[::1]:8080</c>),
/// of addresses (any port) and of CIDR ranges (<c>10.20.0.0/16</c>, any port). A name entry allows the addresses that
/// name resolves to, on that port, when a source names it. Cloud metadata endpoints are never allowed.
/// </summary>
public sealed class PrivateEndpoints
{
    private readonly List<IPNetwork> _networks = [];
    private readonly List<(IPAddress Address, int Port)> _addresses = [];
    private readonly List<(string Host, int Port)> _names = [];

    private PrivateEndpoints(string text) => Text = text;

    /// <summary>No private endpoint: sources reach public addresses only.</summary>
    public static PrivateEndpoints None { get; } = new(string.Empty);

    /// <summary>The list as configured.</summary>
    public string Text { get; }

    /// <summary>The list in <paramref name="text"/>; blank allows none. <paramref name="setting"/> names it in messages.</summary>
    /// <exception cref="FormatException">An entry is neither <c>host:port</c>, an address nor a CIDR range; the message names it.</exception>
    public static PrivateEndpoints Parse(string? text, string setting = "Diviora:Sources:AllowPrivateEndpoints")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        var endpoints = new PrivateEndpoints(text.Trim());
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.Contains("://", StringComparison.Ordinal))
            {
                throw Bad(setting, raw, "is a URL: give host:port, an address, or a CIDR range");
            }

            if (raw.Contains('/', StringComparison.Ordinal))
            {
                endpoints._networks.Add(IPNetwork.TryParse(raw, out var network)
                    ? network
                    : throw Bad(setting, raw, "is not a CIDR range such as 10.20.0.0/16"));
            }
            else if (SplitHostPort(raw) is ({ } host, { } port))
            {
                if (IPAddress.TryParse(host, out var address))
                {
                    endpoints._addresses.Add((SourceAddresses.Canonical(address), port));
                }
                else if (HostName.Normalize(host) is { } name)
                {
                    endpoints._names.Add((name, port));
                }
                else
                {
                    throw Bad(setting, raw, "does not start with a host name or address");
                }
            }
            else if (IPAddress.TryParse(raw.Trim('[', ']'), out var bare))
            {
                // A bare address (IPv6 in brackets or not) allows every port of it.
                var single = SourceAddresses.Canonical(bare);
                endpoints._networks.Add(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw Bad(setting, raw, "is not host:port (with a port from 1 to 65535), an address, or a CIDR range");
            }
        }

        return endpoints;
    }

    /// <summary>True when a source that names <paramref name="host"/> may connect to <paramref name="address"/> on <paramref name="port"/>.</summary>
    public bool Allows(string host, IPAddress address, int port)
    {
        var canonical = SourceAddresses.Canonical(address);
        if (SourceAddresses.IsMetadata(canonical))
        {
            return false;
        }

        foreach (var network in _networks)
        {
            if (network.Contains(canonical))
            {
                return true;
            }
        }

        foreach (var (allowed, allowedPort) in _addresses)
        {
            if (allowedPort == port && allowed.Equals(canonical))
            {
                return true;
            }
        }

        var name = HostName.Normalize(host);
        foreach (var (allowed, allowedPort) in _names)
        {
            if (allowedPort == port && string.Equals(allowed, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>host:port</c> or <c>[v6]:port</c> split; nulls when the text is not so.</summary>
    internal static (string? Host, int? Port) SplitHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return (null, null);
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            // An IPv6 address with a port needs brackets: [::1]:8080.
            return (null, null);
        }

        return host.Length > 0 ? (host, port) : (null, null);
    }

    private static FormatException Bad(string setting, string entry, string rule) =>
        new($"{setting}: the entry '{entry}' {rule}.");
}
