using System.Net;

namespace Microsoft.Extensions.Hosting;

/// <summary>What the Api and the Web both need to know of the OpenID provider they trust.</summary>
public static class IdentityAuthority
{
    /// <summary>
    /// Whether <paramref name="authority"/> is on this machine (the local stand-in): only then may its metadata come over
    /// plain http; anything else must be https.
    /// </summary>
    public static bool IsLoopback(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) &&
        (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
