using System.Net;

namespace Diviora.Core.Sources.Network;

/// <summary>
/// Where sources may connect: public addresses, and the private endpoints an operator allowed. Every address a name
/// resolves to is checked, and the caller connects to exactly the addresses checked, so a name that resolves to
/// another address the second time (DNS rebinding) gains nothing.
/// </summary>
public sealed class SourceNetworkPolicy(PrivateEndpoints allowed, PrivateEndpoints? sqlServers = null)
{
    /// <summary>The configuration key of <see cref="PrivateEndpoints"/>.</summary>
    public const string AllowPrivateEndpointsKey = SourcesOptions.Section + ":AllowPrivateEndpoints";

    /// <summary>The configuration key of <see cref="SqlServers"/>.</summary>
    public const string SqlServerEndpointsKey = SourcesOptions.Section + ":SqlServerEndpoints";

    /// <summary>
    /// The SQL Server endpoints sources may use, public ones included. A SQL Server can send the client on to another
    /// server after the login (TDS routing, as read-only routing and Azure SQL's redirect do), and SqlClient follows it
    /// without a hook to check the address: so only servers the operator trusts are connected to at all.
    /// </summary>
    public PrivateEndpoints SqlServers { get; } = sqlServers ?? PrivateEndpoints.None;

    /// <summary>A policy that allows public addresses only.</summary>
    public static SourceNetworkPolicy PublicOnly { get; } = new(PrivateEndpoints.None);

    /// <summary>The private endpoints allowed.</summary>
    public PrivateEndpoints Allowed { get; } = allowed;

    /// <summary>
    /// The addresses of <paramref name="host"/> (a name, or an address in any spelling) that a source may connect to on
    /// <paramref name="port"/>: those of its addresses the policy allows. Connect to these and no other.
    /// </summary>
    /// <exception cref="SourceAddressRefusedException">No address of the host is allowed, or the name has none.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(literal, out var address))
        {
            addresses = [address];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(literal.TrimEnd('.'), cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new SourceAddressRefusedException($"{host} could not be resolved: {e.Message}.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new SourceAddressRefusedException($"{host} resolves to no address.");
        }

        // Only the addresses that pass are connected to; a name with none that passes is refused, naming the first.
        var allowed = Array.FindAll(addresses, a => IsAllowed(host, a, port));
        if (allowed.Length == 0)
        {
            Check(host, addresses[0], port);
        }

        return allowed;
    }

    /// <summary>Throws unless every one of <paramref name="addresses"/> of <paramref name="host"/> is a SQL Server endpoint the operator listed.</summary>
    /// <exception cref="SourceAddressRefusedException">The server is not listed in <see cref="SqlServerEndpointsKey"/>.</exception>
    public void CheckSqlServer(string host, IPAddress[] addresses, int port)
    {
        if (addresses.Length > 0 && Array.TrueForAll(addresses, a => SqlServers.Allows(host, a, port)))
        {
            return;
        }

        throw new SourceAddressRefusedException(
            $"{host} port {port} is not a SQL Server endpoint the operator lists in {SqlServerEndpointsKey}: a SQL Server can route the connection on to another server after the login, past the network policy, so SQL Server sources reach listed servers only.");
    }

    /// <summary>
    /// Why a source may not use <paramref name="host"/> when it is written as an address (in any spelling) or as
    /// <c>localhost</c>, so that a definition can be refused when it is saved; null when it may, or when only resolving
    /// the name can tell (the fetch checks that).
    /// </summary>
    public string? CheckWritten(string host, int port)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(literal, out var address))
        {
            addresses = [address];
        }
        else if (HostName.Normalize(literal) is { } name && (name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal)))
        {
            addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }
        else
        {
            return null;
        }

        if (Array.Exists(addresses, a => IsAllowed(host, a, port)))
        {
            return null;
        }

        try
        {
            Check(host, addresses[0], port);
            return null;
        }
        catch (SourceAddressRefusedException e)
        {
            return e.Message;
        }
    }

    /// <summary>True when a source that names <paramref name="host"/> may connect to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public bool IsAllowed(string host, IPAddress address, int port) =>
        SourceAddresses.NonPublicClass(address) is null || Allowed.Allows(host, address, port);

    /// <summary>Throws when a source that names <paramref name="host"/> may not connect to <paramref name="address"/>:<paramref name="port"/>.</summary>
    /// <exception cref="SourceAddressRefusedException">The address is not public and not allowed.</exception>
    public void Check(string host, IPAddress address, int port)
    {
        if (IsAllowed(host, address, port))
        {
            return;
        }

        var what = SourceAddresses.NonPublicClass(address);

        var shown = SourceAddresses.Canonical(address);
        var named = string.Equals(HostName.Normalize(host), shown.ToString(), StringComparison.Ordinal) ? $"{host}" : $"{host} ({shown})";
        throw new SourceAddressRefusedException(SourceAddresses.IsMetadata(shown)
            ? $"{named} is {what}, where cloud hosts serve instance metadata and identity tokens: sources may never reach it."
            : $"{named} port {port} is {what}: sources reach public addresses only, and the private endpoints an operator lists in {AllowPrivateEndpointsKey}.");
    }
}

/// <summary>A source names an address sources may not reach; retrying cannot help. The message names the host and why.</summary>
public sealed class SourceAddressRefusedException(string message) : Exception(message);
