using Polly;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// What one request of a fetch carries into the sources client's resilience handler: the fetcher's limits, and how many
/// attempts the request has taken so far.
/// </summary>
internal sealed class RequestAttempts(RestFetchOptions options)
{
    private static readonly HttpRequestOptionsKey<RequestAttempts> Key = new("Diviora.Sources.RequestAttempts");

    /// <summary>The attempts, waits and time-outs the request may have.</summary>
    public RestFetchOptions Options { get; } = options;

    /// <summary>The attempts taken, the one under way included.</summary>
    public int Count { get; private set; } = 1;

    /// <summary>Sends <paramref name="request"/> under these limits, counting from its first attempt.</summary>
    public void Attach(HttpRequestMessage request)
    {
        Count = 1;
        request.Options.Set(Key, this);
    }

    /// <summary>Counts the attempt about to start.</summary>
    public void Retry() => Count++;

    /// <summary>The attempts of the request under <paramref name="context"/>; a request sent without any runs under the default limits.</summary>
    public static RequestAttempts Of(ResilienceContext context)
    {
        var request = context.GetRequestMessage() ?? throw new InvalidOperationException("The sources client's resilience handler runs without its request.");
        if (!request.Options.TryGetValue(Key, out var attempts))
        {
            attempts = new RequestAttempts(RestFetchOptions.Default);
            request.Options.Set(Key, attempts);
        }

        return attempts;
    }
}
