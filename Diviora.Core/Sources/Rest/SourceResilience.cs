using System.Net.Http.Headers;
using Diviora.Core.Sources.Network;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// The resilience pipeline of the sources client, one per origin: a total time-out, retries, a circuit breaker, and a
/// time-out per attempt. Each request's limits come from the <see cref="RestFetchOptions"/> of the fetcher that sends it
/// (<see cref="RequestAttempts"/>), so the run and preview fetchers share one client and one circuit per origin.
/// </summary>
/// <remarks>
/// The pipeline covers a request up to its response's headers; the fetcher streams the body after it, under
/// <see cref="RestFetchOptions.ReadTimeout"/>. Time-outs guard against servers that hang, which only the wall clock
/// measures; the waits between attempts run on the given <see cref="TimeProvider"/>, so tests record them instead of
/// sleeping.
/// </remarks>
internal static class SourceResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeProvider time)
    {
        pipeline.TimeProvider = time;
        pipeline
            .AddPipeline(WallClockTimeout(options => options.TotalTimeout))
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // The fetcher's MaxAttempts decides, per request.
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(
                    args.AttemptNumber + 1 < RequestAttempts.Of(args.Context).Options.MaxAttempts
                    && Resendable(args.Context)
                    && (IsTransient(args.Outcome) || args.Outcome.Exception is BrokenCircuitException)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    Wait(args.Outcome.Result, args.AttemptNumber, RequestAttempts.Of(args.Context).Options, time)),
                OnRetry = args =>
                {
                    RequestAttempts.Of(args.Context).Retry();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                // A 429 is a server pacing its clients, which the retries honour; only failures open the circuit.
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode is not System.Net.HttpStatusCode.TooManyRequests),
            })
            .AddPipeline(WallClockTimeout(options => options.RequestTimeout));
    }

    /// <summary>
    /// True for what a later attempt may not meet again: a 429, a 5xx, an attempt that timed out, a connection that failed
    /// or broke. An address the network policy refuses stays refused.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { InnerException: SourceAddressRefusedException } } => false,
        { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
        { Result: { } response } => (int)response.StatusCode is 429 or >= 500,
        _ => false,
    };

    /// <summary>A request with a body is not sent twice: its content may be a stream that was read.</summary>
    private static bool Resendable(ResilienceContext context) => context.GetRequestMessage()?.Content is null;

    /// <summary>
    /// The wait before the next attempt: the response's <c>Retry-After</c> (seconds or an HTTP date) at most
    /// <see cref="RestFetchOptions.MaxRetryAfter"/>; without one, base × 2^attempt up to the max backoff, of which a random
    /// half to all is kept, so that many sources failing together do not retry together.
    /// </summary>
    private static TimeSpan Wait(HttpResponseMessage? response, int attempt, RestFetchOptions options, TimeProvider time)
    {
        if (RetryAfter(response?.Headers.RetryAfter, time) is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > options.MaxRetryAfter ? options.MaxRetryAfter : asked;
        }

        var full = Math.Min(options.BaseBackoff.TotalMilliseconds * Math.Pow(2, attempt), options.MaxBackoff.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter needs spread, not unpredictability.
        return TimeSpan.FromMilliseconds((full / 2) + (Random.Shared.NextDouble() * full / 2));
#pragma warning restore CA5394
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) =>
        header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);

    private static ResiliencePipeline<HttpResponseMessage> WallClockTimeout(Func<RestFetchOptions, TimeSpan> timeout) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = TimeProvider.System }
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(timeout(RequestAttempts.Of(args.Context).Options)) })
            .Build();
}
