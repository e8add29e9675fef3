namespace Diviora.Core.Secrets;

/// <summary>What may be said about a stored secret: its name, where it may go, when it last changed and who changed it, never its value.</summary>
/// <param name="Name">The name as it was last written (identity ignores case).</param>
/// <param name="UpdatedAt">When the value was last set.</param>
/// <param name="UpdatedBy">Who last set it; null when that was not recorded.</param>
/// <param name="AllowedHosts">The hosts it may be delivered to; empty when none.</param>
public sealed record SecretEntry(string Name, DateTimeOffset UpdatedAt, string? UpdatedBy, IReadOnlyList<string> AllowedHosts);
