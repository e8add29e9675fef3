using System.Net;
using System.Net.Sockets;

namespace Diviora.Core.Sources.Network;

/// <summary>
/// Which addresses are not the public internet: the classes a source may reach only when an operator allows the
/// endpoint (<see cref="PrivateEndpoints"/>), and the cloud metadata and host endpoints it may never reach.
/// </summary>
public static class SourceAddresses
{
    // Where cloud hosts serve instance metadata and managed-identity tokens (AWS, Azure, GCP: 169.254.169.254;
    // AWS over IPv6: fd00:ec2::254) and Azure's host agent (168.63.129.16, a public address that only the host answers).
    private static readonly IPAddress[] Metadata =
    [
        IPAddress.Parse("169.254.169.254"),
        IPAddress.Parse("168.63.129.16"),
        IPAddress.Parse("fd00:ec2::254"),
    ];

    private static readonly (IPNetwork Network, string Class)[] NonPublic =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified ('this network') address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared address (carrier-grade NAT, RFC 6598)"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("192.0.0.0/24"), "a protocol-assignment address (RFC 6890)"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address (RFC 1918)"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address (RFC 2544)"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address (including broadcast)"),
        (IPNetwork.Parse("::/128"), "the unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "a local-use NAT64 address (RFC 8215)"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    // IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052) and IPv4-compatible (deprecated).
    private static readonly IPNetwork[] EmbeddingIPv4 = [IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("::/96")];

    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>True for a cloud metadata or host endpoint, in any spelling (also mapped into IPv6): never reachable.</summary>
    public static bool IsMetadata(IPAddress address) => Array.IndexOf(Metadata, Canonical(address)) >= 0;

    /// <summary>
    /// What <paramref name="address"/> is when it is not a public address (<c>"a loopback address"</c>), or null for a
    /// public one. An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4) is judged by the IPv4 address.
    /// </summary>
    public static string? NonPublicClass(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var canonical = Canonical(address);
        if (IsMetadata(canonical))
        {
            return "a cloud metadata endpoint";
        }

        foreach (var (network, name) in NonPublic)
        {
            if (network.Contains(canonical))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// The address in its one spelling: an IPv4 address carried in IPv6 (<c>::ffff:127.0.0.1</c>, <c>64:ff9b::7f00:1</c>,
    /// <c>2002:7f00:1::</c>) as that IPv4 address, and an IPv6 address without its scope id.
    /// </summary>
    public static IPAddress Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (SixToFour.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        // :: and ::1 are themselves, not the IPv4 addresses 0.0.0.0 and 0.0.0.1.
        if (!address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
        {
            foreach (var network in EmbeddingIPv4)
            {
                if (network.Contains(address))
                {
                    return new IPAddress(bytes.AsSpan(12, 4));
                }
            }
        }

        return address.ScopeId == 0 ? address : new IPAddress(bytes);
    }
}
