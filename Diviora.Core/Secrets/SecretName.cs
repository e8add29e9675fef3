using System.Diagnostics.CodeAnalysis;
using Diviora.Core.Catalog;

namespace Diviora.Core.Secrets;

/// <summary>
/// The rule for secret names, the same as for dataset names (1-63 letters, digits, <c>_</c> or <c>-</c>, starting
/// with a letter). Names are case-insensitive: <c>CRM-token</c> and <c>crm-token</c> are one secret.
/// </summary>
public static class SecretName
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = DatasetName.Rule;

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) => DatasetName.IsValid(name);

    /// <summary>The identity of a valid name: its lower-case form, also the name of its blob.</summary>
    public static string Normalize(string name) =>
        IsValid(name) ? name.ToLowerInvariant() : throw new ArgumentException($"'{name}' is not a valid secret name: use {Rule}.", nameof(name));
}
