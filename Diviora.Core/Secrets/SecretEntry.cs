namespace Diviora.Core.Secrets;

/// <summary>What may be said about a stored secret: its name and when it last changed, never its value.</summary>
/// <param name="Name">The name as it was last written (identity ignores case).</param>
/// <param name="UpdatedAt">When the value was last set.</param>
public sealed record SecretEntry(string Name, DateTimeOffset UpdatedAt);
