namespace Diviora.Core.Secrets;

/// <summary>
/// Diviora secret names in Key Vault, which allows only letters, digits and <c>-</c> and ignores case:
/// <c>diviora-</c>, then the lower-case name with <c>-</c> written <c>--</c> and <c>_</c> written <c>-0</c>
/// (<c>crm-token</c> is <c>diviora-crm--token</c>, <c>erp_db</c> is <c>diviora-erp-0db</c>). The mapping is one to one
/// and reversible, and the prefix keeps the vault's other secrets out of the store.
/// </summary>
public static class KeyVaultSecretName
{
    /// <summary>The prefix of every secret the store keeps.</summary>
    public const string Prefix = "diviora-";

    /// <summary>Key Vault's longest secret name.</summary>
    public const int MaxLength = 127;

    /// <summary>The Key Vault name of a valid Diviora secret name.</summary>
    /// <exception cref="ArgumentException">The name is invalid, or so full of <c>-</c> and <c>_</c> that it outgrows Key Vault's 127 characters.</exception>
    public static string From(string name)
    {
        var normalized = SecretName.Normalize(name);
        var encoded = Prefix + normalized.Replace("-", "--", StringComparison.Ordinal).Replace("_", "-0", StringComparison.Ordinal);
        return encoded.Length <= MaxLength
            ? encoded
            : throw new ArgumentException($"The secret name '{name}' is {encoded.Length} characters long in Key Vault ({encoded}); the limit is {MaxLength}. Use fewer '-' and '_'.", nameof(name));
    }

    /// <summary>The Diviora name (lower case) of a Key Vault name, or null when the name is not one of the store's.</summary>
    public static string? ToName(string vaultName)
    {
        if (!vaultName.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var name = new System.Text.StringBuilder(vaultName.Length - Prefix.Length);
        for (var i = Prefix.Length; i < vaultName.Length; i++)
        {
            var c = char.ToLowerInvariant(vaultName[i]);
            if (c != '-')
            {
                name.Append(c);
                continue;
            }

            if (++i == vaultName.Length)
            {
                return null;
            }

            switch (vaultName[i])
            {
                case '-': name.Append('-'); break;
                case '0': name.Append('_'); break;
                default: return null;
            }
        }

        var decoded = name.ToString();
        return SecretName.IsValid(decoded) ? decoded : null;
    }
}
