namespace Diviora.Core.Messaging;

/// <summary>What one sweep did: runs whose message it sent again, and runs it failed because their payload was missing.</summary>
public sealed record RunSweep(int Resent, int Failed);
