using Diviora.Core.Sources.Network;

namespace Diviora.Core.Sources;

/// <summary>
/// The network policy applied to a definition when it is saved: a REST URL whose host is an address (or
/// <c>localhost</c>) the policy refuses is a bad definition at once, not a run that fails later. Names are checked when
/// a run resolves them, and database servers when a run resolves the connection's secret.
/// </summary>
public static class SourceReach
{
    /// <summary>Why <paramref name="definition"/> may not be saved under <paramref name="policy"/>, naming the field; null when it may.</summary>
    public static string? Check(SourceDefinition definition, SourceNetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(policy);
        if (definition.Rest?.Url is { } text && Uri.TryCreate(text, UriKind.Absolute, out var url)
            && policy.CheckWritten(url.IdnHost, url.Port) is { } refused)
        {
            return $"rest.url: {refused}";
        }

        return null;
    }
}
