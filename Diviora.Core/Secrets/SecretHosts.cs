using System.Globalization;
using System.Net;
using Diviora.Core.Sources.Network;

namespace Diviora.Core.Secrets;

/// <summary>
/// Where a secret may be delivered: the hosts (<c>api.example.com</c>, <c>10.0.0.5</c>) and host-port pairs
/// (<c>db.internal:5432</c>, <c>[::1]:8080</c>) it is bound to. A REST header resolves the secret only for a request to
/// a listed host (and port, where given); a database connection only when its server is listed. A secret with no hosts
/// is stored but never delivered.
/// </summary>
public sealed class SecretHosts
{
    /// <summary>The most hosts one secret may list.</summary>
    public const int MaxCount = 20;

    /// <summary>The rule for one entry, in words, for messages.</summary>
    public const string Rule = "a host name or address, with an optional :port (api.example.com, db.internal:5432, [::1]:8080); no scheme, path or wildcard";

    private readonly (string Host, int? Port)[] _entries;

    private SecretHosts((string Host, int? Port)[] entries) => _entries = entries;

    /// <summary>No host: the secret is never delivered.</summary>
    public static SecretHosts None { get; } = new([]);

    /// <summary>The entries in their normalized spelling (<c>api.example.com</c>, <c>db.internal:5432</c>).</summary>
    public IReadOnlyList<string> Entries => [.. _entries.Select(Format)];

    /// <summary>True when the list is empty.</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>The list of <paramref name="entries"/>; false with a message naming the first bad entry (<c>allowedHosts[1]</c>).</summary>
    public static bool TryParse(IReadOnlyList<string>? entries, out SecretHosts hosts, out string? error)
    {
        hosts = None;
        error = null;
        if (entries is null || entries.Count == 0)
        {
            return true;
        }

        if (entries.Count > MaxCount)
        {
            error = $"allowedHosts lists {entries.Count} hosts; at most {MaxCount} are allowed.";
            return false;
        }

        var parsed = new List<(string, int?)>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (ParseEntry(entries[i]) is not { } entry)
            {
                var shown = entries[i] is { Length: > 100 } long_ ? long_[..100] + "..." : entries[i];
                error = $"allowedHosts[{i}] '{shown}' is not {Rule}.";
                return false;
            }

            if (!parsed.Contains(entry))
            {
                parsed.Add(entry);
            }
        }

        hosts = new SecretHosts([.. parsed]);
        return true;
    }

    /// <summary>The list as kept beside the secret (comma-separated entries); an empty list for text that no longer parses.</summary>
    public static SecretHosts FromStored(string? text) =>
        TryParse(text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), out var hosts, out _) ? hosts : None;

    /// <summary>The list as kept beside the secret: comma-separated entries, ASCII.</summary>
    public string ToStored() => string.Join(',', Entries);

    /// <summary>True when the secret may be delivered to <paramref name="host"/> on <paramref name="port"/>.</summary>
    public bool Allows(string host, int port)
    {
        var name = HostName.Normalize(host);
        if (name is null)
        {
            return false;
        }

        foreach (var (allowed, allowedPort) in _entries)
        {
            if (string.Equals(allowed, name, StringComparison.Ordinal) && (allowedPort is null || allowedPort == port))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The entries for a message: <c>api.example.com, db.internal:5432</c>, or <c>no host</c>.</summary>
    public override string ToString() => IsEmpty ? "no host" : string.Join(", ", Entries);

    private static (string Host, int? Port)? ParseEntry(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 300 || text.Contains("://", StringComparison.Ordinal)
            || text.IndexOfAny(['/', '*', '?', '#', '@', ',', ' ']) >= 0)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (PrivateEndpoints.SplitHostPort(trimmed) is ({ } host, { } port))
        {
            return HostName.Normalize(host) is { } name ? (name, port) : null;
        }

        // No port: a name, an IPv4 address, or an IPv6 address with or without brackets.
        var bare = trimmed.StartsWith('[') && trimmed.EndsWith(']') ? trimmed[1..^1] : trimmed;
        if (bare.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(bare, out _))
        {
            return null;
        }

        return HostName.Normalize(bare) is { } only ? (only, null) : null;
    }

    private static string Format((string Host, int? Port) entry)
    {
        var host = entry.Host.Contains(':', StringComparison.Ordinal) ? "[" + entry.Host + "]" : entry.Host;
        return entry.Port is { } port ? host + ":" + port.ToString(CultureInfo.InvariantCulture) : host;
    }
}
