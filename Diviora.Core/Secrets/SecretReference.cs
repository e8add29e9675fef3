using System.Diagnostics.CodeAnalysis;

namespace Diviora.Core.Secrets;

/// <summary>
/// <c>secret:name</c> in a source's settings (a header, a connection string) stands for the stored secret of that
/// name; any other text is taken as it is.
/// </summary>
public static class SecretReference
{
    /// <summary>What a reference starts with, in any letter case.</summary>
    public const string Prefix = "secret:";

    /// <summary>True when <paramref name="text"/> is meant as a reference: it starts with <see cref="Prefix"/>.</summary>
    public static bool IsReference([NotNullWhen(true)] string? text) => text is not null && text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The secret name a reference names; false when <paramref name="text"/> is no reference or its name breaks the rule.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? name)
    {
        name = IsReference(text) && SecretName.IsValid(text[Prefix.Length..]) ? text[Prefix.Length..] : null;
        return name is not null;
    }

    /// <summary>The rule for a reference, in words, for messages.</summary>
    public const string Rule = "'" + Prefix + "' then a secret name of " + SecretName.Rule;

    /// <summary>True when <paramref name="text"/> is a well-formed reference (whether or not the secret exists).</summary>
    public static bool IsValid([NotNullWhen(true)] string? text) => TryParse(text, out _);

    /// <summary>The reference to the secret <paramref name="name"/>: <c>secret:name</c>.</summary>
    public static string For(string name) => SecretName.IsValid(name)
        ? Prefix + name
        : throw new ArgumentException($"'{name}' is not a valid secret name: use {SecretName.Rule}.", nameof(name));

    /// <summary>
    /// The value <paramref name="text"/> stands for: the stored secret (with the hosts it may go to) when it is a
    /// reference, else the text unchanged.
    /// </summary>
    /// <exception cref="SecretException">A reference whose name breaks the rule, or names no stored secret.</exception>
    public static async Task<ResolvedText> ResolveAsync(this ISecretStore secrets, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (!IsReference(text))
        {
            return new ResolvedText(text, null, null);
        }

        if (!TryParse(text, out var name))
        {
            // A name is at most 63 characters; quoting more would only repeat whatever was typed by mistake.
            var bad = text.Length > Prefix.Length + 63 ? text[..(Prefix.Length + 63)] + "..." : text;
            throw new SecretException(bad[Math.Min(bad.Length, Prefix.Length)..], $"'{bad}' is not a valid secret reference: after '{Prefix}' comes a secret name of {SecretName.Rule}.");
        }

        var stored = await secrets.TryGetAsync(name, cancellationToken)
            ?? throw new SecretException(name, $"The secret '{name}' (referenced as '{text}') does not exist: store it with PUT /api/secrets/{name}.");
        return new ResolvedText(stored.Value, name, stored.AllowedHosts);
    }
}

/// <summary>A setting's value after <see cref="SecretReference.ResolveAsync"/>: the text itself, or a secret's value and where it may go.</summary>
/// <param name="Value">What to use.</param>
/// <param name="SecretName">The secret's name when the setting was a reference; null for plain text.</param>
/// <param name="AllowedHosts">The secret's hosts; null for plain text.</param>
public sealed record ResolvedText(string Value, string? SecretName, SecretHosts? AllowedHosts)
{
    /// <summary>True when the value is a secret's.</summary>
    public bool IsSecret => SecretName is not null;

    /// <summary>Throws unless the value may go to <paramref name="host"/> on <paramref name="port"/>: plain text may go anywhere, a secret only to its hosts.</summary>
    /// <param name="host">The host the value would be sent to.</param>
    /// <param name="port">The port it would be sent to.</param>
    /// <param name="field">The setting it came from, for the message (<c>rest.headers['Authorization']</c>).</param>
    /// <exception cref="SecretException">The secret is not bound to that host and port; the message names both, never the value.</exception>
    public void EnsureAllowed(string host, int port, string field)
    {
        if (SecretName is null || AllowedHosts!.Allows(host, port))
        {
            return;
        }

        var target = $"{(host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host)}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        throw new SecretException(SecretName, AllowedHosts.IsEmpty
            ? $"The secret '{SecretName}' in {field} is bound to no host, so it is not sent to {target}: store it again with its allowedHosts (PUT /api/secrets/{SecretName} with {{ \"value\": ..., \"allowedHosts\": [\"{target}\"] }})."
            : $"The secret '{SecretName}' in {field} is bound to {AllowedHosts}; it is not sent to {target}. If that host should have it, add it to the secret's allowedHosts.");
    }
}
