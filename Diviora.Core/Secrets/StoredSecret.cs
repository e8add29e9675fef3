namespace Diviora.Core.Secrets;

/// <summary>A secret's value with the hosts it may be delivered to.</summary>
/// <param name="Value">The plain value.</param>
/// <param name="AllowedHosts">Where it may go; empty when nowhere.</param>
public sealed record StoredSecret(string Value, SecretHosts AllowedHosts);
