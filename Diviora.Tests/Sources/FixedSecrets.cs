using Diviora.Core.Secrets;

namespace Diviora.Tests.Sources;

/// <summary>Secret stores for fetchers' tests: fixed values bound to the loopback hosts the tests' servers listen on.</summary>
internal static class FixedSecrets
{
    /// <summary>The hosts the values are bound to unless a test says otherwise.</summary>
    public static readonly string[] Loopback = ["127.0.0.1", "localhost", "[::1]"];

    /// <summary><see cref="Loopback"/> as the store takes it.</summary>
    public static SecretHosts LoopbackHosts => SecretHosts.TryParse(Loopback, out var hosts, out _) ? hosts : throw new InvalidOperationException();

    public static MemorySecretStore Of(Dictionary<string, string> values) => MemorySecretStore.With(values, Loopback);
}

/// <summary>The network policy for fetchers' tests: the loopback addresses their servers listen on are allowed endpoints.</summary>
internal static class LoopbackPolicy
{
    public static readonly Diviora.Core.Sources.Network.SourceNetworkPolicy Instance =
        new(Diviora.Core.Sources.Network.PrivateEndpoints.Parse("127.0.0.1, ::1"), Diviora.Core.Sources.Network.PrivateEndpoints.Parse("127.0.0.1"));
}
