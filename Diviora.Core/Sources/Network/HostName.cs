using System.Globalization;
using System.Net;

namespace Diviora.Core.Sources.Network;

/// <summary>Host names in the one spelling they are compared in: lower case, ASCII (punycode), no trailing dot.</summary>
public static class HostName
{
    private static readonly IdnMapping Idn = new();

    /// <summary>
    /// <paramref name="host"/> as compared: an address in its canonical text (<c>127.1</c> and <c>::ffff:127.0.0.1</c> are
    /// <c>127.0.0.1</c>), a name in lower-case ASCII without a trailing dot; null when it is neither.
    /// </summary>
    public static string? Normalize(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var text = host.Trim();
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            text = text[1..^1];
        }

        if (IPAddress.TryParse(text, out var address))
        {
            return SourceAddresses.Canonical(address).ToString();
        }

        text = text.TrimEnd('.');
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            var ascii = Idn.GetAscii(text).ToLowerInvariant();
            return Uri.CheckHostName(ascii) == UriHostNameType.Dns ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
