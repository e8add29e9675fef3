using System.Data.Common;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace Diviora.Core.Documents;

/// <summary>
/// Builds the <see cref="CosmosClient"/> for a <c>documents</c> connection string: either a key connection string
/// (<c>AccountEndpoint=...;AccountKey=...;</c>) or an account endpoint URI reached with a Microsoft Entra credential.
/// </summary>
public static class CosmosConnection
{
    /// <summary>
    /// A client that serializes with System.Text.Json (so <see cref="System.Text.Json.Nodes.JsonObject"/> round-trips).
    /// An <c>http://</c> endpoint is the local stand-in: it speaks only the gateway protocol and announces endpoints
    /// it does not serve, so the client uses Gateway mode and stays on the endpoint it was given.
    /// </summary>
    /// <param name="connectionString">The key connection string or the account endpoint URI.</param>
    /// <param name="credential">For an endpoint URI; <see cref="DefaultAzureCredential"/> when null.</param>
    public static CosmosClient CreateClient(string connectionString, TokenCredential? credential = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var (endpoint, key) = Parse(connectionString);
        var options = new CosmosClientOptions
        {
            ApplicationName = "diviora",
            UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.General),
        };
        if (endpoint.Scheme == Uri.UriSchemeHttp)
        {
            options.ConnectionMode = ConnectionMode.Gateway;
            options.LimitToEndpoint = true;
        }

        return key is null
            ? new CosmosClient(endpoint.AbsoluteUri, credential ?? new DefaultAzureCredential(), options)
            : new CosmosClient(endpoint.AbsoluteUri, key, options);
    }

    private static (Uri Endpoint, string? Key) Parse(string connectionString)
    {
        if (!connectionString.Contains('=', StringComparison.Ordinal) &&
            Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out var accountUri) && IsHttp(accountUri))
        {
            return (accountUri, null);
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var endpoint = parts.TryGetValue("AccountEndpoint", out var endpointValue) && Uri.TryCreate(endpointValue as string, UriKind.Absolute, out var uri) && IsHttp(uri)
            ? uri
            : throw new FormatException("The documents connection string has no AccountEndpoint=http(s)://...; give 'AccountEndpoint=...;AccountKey=...;' or an account endpoint URI.");
        if (!parts.TryGetValue("AccountKey", out var keyValue) || keyValue is not string { Length: > 0 } key)
        {
            return (endpoint, null);
        }

        // The SDK would fail deep inside its request signer; say which setting is wrong instead.
        return Convert.TryFromBase64String(key, new byte[key.Length], out _)
            ? (endpoint, key)
            : throw new FormatException($"The AccountKey of the documents connection string (for {endpoint}) is not base64.");
    }

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp;
}
