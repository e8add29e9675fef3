using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Diviora.Tests.Access;

/// <summary>Reading and spoiling JWTs the way an attacker or a curious client would, without any key.</summary>
internal static class Jwts
{
    /// <summary>The token's claims as JSON (the signature is not checked).</summary>
    public static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1])).RootElement.Clone();

    /// <summary>The token with <paramref name="from"/> replaced by <paramref name="to"/> in its claims and its signature kept.</summary>
    public static string Tamper(string jwt, string from = "\"Reader\"", string to = "\"Admin\"")
    {
        var parts = jwt.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(from, to, StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }
}
