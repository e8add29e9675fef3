namespace Diviora.Core.Sources.Rest;

/// <summary>
/// How hard <see cref="RestFetcher"/> tries, and how far it goes. The attempts, waits and the time-outs up to a response's
/// headers are applied by the sources client's resilience handler (<see cref="SourceHttp"/>), per request.
/// </summary>
public sealed record RestFetchOptions
{
    /// <summary>Attempts per request, the first included; 5 when not set.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The backoff before the second attempt; it doubles per attempt up to <see cref="MaxBackoff"/>. 1 s when not set.</summary>
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff between attempts; 30 s when not set.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest wait a <c>Retry-After</c> header is honoured for; a longer one is cut to this. 5 minutes when not set:
    /// a server that asks for more is down, and a run should fail rather than hang.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The most pages one fetch reads; one more is an error. 10,000 when not set.</summary>
    public int MaxPages { get; init; } = 10_000;

    /// <summary>How long one attempt may wait for its response's headers, on the wall clock; 100 s when not set.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long one request may take with all its attempts and the waits between them, up to the headers of the response
    /// it ends with, on the wall clock; 10 minutes when not set.
    /// </summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long reading one response's body may take once its headers arrived, on the wall clock; 10 minutes when not
    /// set. A body is streamed, so this bounds a page that trickles or stalls, not the time-outs before it.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The configuration key of <see cref="MaxResponseBytes"/>.</summary>
    public const string MaxResponseBytesKey = SourcesOptions.Section + ":MaxResponseBytes";

    /// <summary>The configuration key of <see cref="MaxRecords"/>.</summary>
    public const string MaxRecordsKey = SourcesOptions.Section + ":MaxRecordsPerRun";

    /// <summary>The largest response body one request may have, in bytes; more fails the fetch. 256 MiB when not set.</summary>
    public long MaxResponseBytes { get; init; } = SourcesOptions.DefaultMaxResponseBytes;

    /// <summary>The most records one fetch may write; more fails the fetch. 10,000,000 when not set.</summary>
    public long MaxRecords { get; init; } = SourcesOptions.DefaultMaxRecordsPerRun;

    /// <summary>The options used when none are given.</summary>
    public static RestFetchOptions Default { get; } = new();
}
