using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Diviora.Core.Secrets;
using Diviora.Core.Sources.Network;
using Diviora.Core.Storage;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// Fetches every page of a REST source and writes its records as JSON Lines (one object per line, UTF-8, <c>\n</c>),
/// the payload <see cref="Ingestion.Readers.JsonRecordFormat.Lines"/> reads. One page is held at a time.
/// </summary>
/// <remarks>
/// <para>
/// Paging follows <see cref="RestSettings.Pagination"/>: <c>nextLink</c> follows the URL at its path (relative to
/// the page it came from, and only to the origin of <see cref="RestSettings.Url"/>, since the source's credentials go
/// with every request) until it is missing, null or empty; <c>page</c> counts from 1 and <c>offset</c> from 0 by
/// <c>size</c>, both stopping at an empty page or one with fewer than <c>size</c> records; <c>cursor</c> sends the value
/// at its path back until it is missing, null or empty. A link or cursor seen before, or a page past
/// <see cref="RestFetchOptions.MaxPages"/>, fails the fetch.
/// </para>
/// <para>
/// A 429 or 503 waits for its <c>Retry-After</c> (seconds or an HTTP date, at most
/// <see cref="RestFetchOptions.MaxRetryAfter"/>), or backs off without one; other 5xx, timeouts and broken connections
/// back off exponentially with jitter, up to <see cref="RestFetchOptions.MaxAttempts"/> attempts per request. Any other
/// status fails at once. A page is checked whole before any of it is written, but a failed fetch leaves the pages
/// before it in the stream: the caller discards the stream, and stores <see cref="RestFetchResult.NewCursor"/> only
/// after a run succeeds.
/// </para>
/// </remarks>
public sealed class RestFetcher
{
    private const int BodyExcerptChars = 500;

    /// <summary>The most redirects one request follows.</summary>
    public const int MaxRedirects = 5;

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _http;
    private readonly ISecretStore _secrets;
    private readonly TimeProvider _time;
    private readonly RestFetchOptions _options;

    /// <param name="http">
    /// The client requests go through: <see cref="SourceHttp.CreateClient"/>, which checks every address against the
    /// network policy. It must not follow redirects (the fetcher does, checking each), and its own
    /// <see cref="HttpClient.Timeout"/> should not be shorter than <see cref="RestFetchOptions.RequestTimeout"/>.
    /// </param>
    /// <param name="secrets">Resolves <c>secret:name</c> header values.</param>
    /// <param name="time">Backoff and <c>Retry-After</c> waits run on it.</param>
    /// <param name="options">Attempts, backoff, page and time limits; <see cref="RestFetchOptions.Default"/> when null.</param>
    public RestFetcher(HttpClient http, ISecretStore secrets, TimeProvider time, RestFetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _secrets = secrets;
        _time = time;
        _options = options ?? RestFetchOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPages, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxResponseBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRecords, 1, nameof(options));
    }

    /// <summary>
    /// Fetches every page of <paramref name="settings"/> and writes its records to <paramref name="output"/>.
    /// <paramref name="lastCursor"/>, the <see cref="RestFetchResult.NewCursor"/> of the last successful run, goes in
    /// <c>incremental.param</c> (on every request; for <c>nextLink</c> on the first, as later links come from the server).
    /// </summary>
    /// <exception cref="ArgumentException">The settings do not validate.</exception>
    /// <exception cref="SecretException">A header refers to a secret that does not exist.</exception>
    /// <exception cref="RestFetchException">A page could not be fetched or read; the message says which and why.</exception>
    public async Task<RestFetchResult> FetchAsync(RestSettings settings, string? lastCursor, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        if (settings.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(settings));
        }

        var request = await RequestSetup.CreateAsync(settings, lastCursor, _secrets, cancellationToken).ConfigureAwait(false);
        var pagination = settings.Pagination;
        var recordsPath = RecordsPath.TryParse(settings.RecordsPath ?? "$", allowEachElement: true, out _)!;
        var nextPath = pagination?.Path is { } path ? RecordsPath.TryParse(path, allowEachElement: false, out _) : null;
        var cursorField = settings.Incremental?.CursorField;
        var best = lastCursor is null ? (CursorValue?)null : CursorValue.FromText(lastCursor);

        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, LineOptions);
        await using var spool = new PageSpool();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var secretBytes = request.SecretsUtf8;
        var url = request.First(pagination);
        seen.Add(url.AbsoluteUri);
        long records = 0;
        var pages = 0;
        var pageNumber = 1L;
        var offset = 0L;
        while (true)
        {
            var page = pages + 1;
            var shownUrl = request.Show(url);
            if (pages == _options.MaxPages)
            {
                throw new RestFetchException($"Stopped before page {page} ({shownUrl}): a fetch reads at most {_options.MaxPages} pages. Check rest.pagination, or whether the server pages without end.");
            }

            var sink = new PageSink(writer, buffer, secretBytes, spool, cursorField, best, records, _options.MaxRecords, page, shownUrl);
            var body = await GetPageAsync(url, request, page, shownUrl, sink.ReadAsync(recordsPath, settings.RecordsPath ?? "$", nextPath), cancellationToken).ConfigureAwait(false);
            await spool.MoveToAsync(output, cancellationToken).ConfigureAwait(false);
            pages++;
            var count = body.Count;
            best = sink.Best;
            records += count;

            Uri? next = null;
            switch (pagination?.Type)
            {
                case "nextLink":
                    next = NextLink(body.Next, pagination.Path!, url, request.Origin, page, shownUrl);
                    if (next is not null && !seen.Add(next.AbsoluteUri))
                    {
                        throw new RestFetchException($"Page {page} ({shownUrl}) links at {pagination.Path} to {request.Show(next)}, which was fetched before: the next links loop, so the fetch stops.");
                    }

                    break;
                case "page" when count > 0 && (pagination.Size is not { } size || count >= size):
                    next = request.Page(pagination, (++pageNumber).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "offset" when count > 0 && count >= pagination.Size!.Value:
                    offset += pagination.Size.Value;
                    next = request.Page(pagination, offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "cursor":
                    if (NextCursor(body.Next, pagination.Path!, page, shownUrl) is { } cursor)
                    {
                        if (!seen.Add("cursor:" + cursor))
                        {
                            throw new RestFetchException($"Page {page} ({shownUrl}) gives the cursor '{cursor}' at {pagination.Path}, which was sent before: the cursors loop, so the fetch stops.");
                        }

                        next = request.Page(pagination, cursor);
                    }

                    break;
            }

            if (next is null)
            {
                break;
            }

            url = next;
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new RestFetchResult(records, pages, best?.Text);
    }

    private static Uri? NextLink(JsonElement? found, string pathText, Uri current, string origin, int page, string shownUrl)
    {
        if (found is not { } value || value.ValueKind == JsonValueKind.Null || value is { ValueKind: JsonValueKind.String } && value.GetString()!.Length == 0)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(current, value.GetString(), out var next)
            || (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps))
        {
            throw new RestFetchException($"Page {page} ({shownUrl}) has {Describe(value.ValueKind)} at {pathText} that is not an http or https URL, absolute or relative.");
        }

        if (!string.Equals(next.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase))
        {
            throw new RestFetchException($"Page {page} ({shownUrl}) links at {pathText} to {next.GetLeftPart(UriPartial.Authority)}, another origin than {origin}; the source's headers are sent only to its own origin.");
        }

        return next;
    }

    private static string? NextCursor(JsonElement? found, string pathText, int page, string shownUrl)
    {
        if (found is not { } value)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new RestFetchException($"Page {page} ({shownUrl}) has {Describe(value.ValueKind)} at {pathText}, where a cursor (text or number) was expected."),
        };
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>One page's response body read by <paramref name="read"/>, after retries; throws when it cannot be had.</summary>
    private async Task<PageReader> GetPageAsync(Uri url, RequestSetup setup, int page, string shownUrl, Func<Stream, CancellationToken, Task<PageReader>> read, CancellationToken cancellationToken)
    {
        var lastError = string.Empty;
        int? lastStatus = null;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.RequestTimeout);
                try
                {
                    using var response = await SendAsync(url, setup, page, shownUrl, timeout.Token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        var limit = _options.MaxResponseBytes;
                        if (response.Content.Headers.ContentLength > limit)
                        {
                            throw TooLarge(page, shownUrl, limit);
                        }

                        var stream = new ByteLimitStream(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false), limit, _ => TooLarge(page, shownUrl, limit));
                        await using (stream.ConfigureAwait(false))
                        {
                            try
                            {
                                return await read(stream, timeout.Token).ConfigureAwait(false);
                            }
                            catch (JsonException e)
                            {
                                throw new RestFetchException($"Page {page} ({shownUrl}) is not valid JSON: {e.Message}", e) { StatusCode = status };
                            }
                        }
                    }

                    var excerpt = await setup.ExcerptAsync(response.Content, BodyExcerptChars, timeout.Token).ConfigureAwait(false);
                    var error = $"HTTP {status} {response.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt : string.Empty)}";
                    if (status != 429 && status < 500)
                    {
                        throw new RestFetchException($"Page {page} ({shownUrl}) failed with {error}") { StatusCode = status };
                    }

                    lastError = error;
                    lastStatus = status;
                    retryAfter = status is 429 or 503 ? RetryAfter(response.Headers.RetryAfter) : null;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = $"no complete response within {_options.RequestTimeout.TotalSeconds:0.###} s";
                    lastStatus = null;
                }
                catch (HttpRequestException e) when (e.InnerException is SourceAddressRefusedException refused)
                {
                    throw new RestFetchException($"Page {page} ({shownUrl}) was not requested: {refused.Message}");
                }
                catch (HttpRequestException e)
                {
                    lastError = $"the request failed: {e.Message}";
                    lastStatus = null;
                }
                catch (IOException e)
                {
                    lastError = $"the response broke off: {e.Message}";
                    lastStatus = null;
                }
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new RestFetchException($"Gave up on page {page} ({shownUrl}) after {attempt} attempts; the last error: {lastError}") { StatusCode = lastStatus };
            }

            await Task.Delay(retryAfter ?? Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the GET for <paramref name="url"/> and follows up to <see cref="MaxRedirects"/> redirects itself: each target
    /// must be http or https and goes through the network policy when it connects, and once a redirect leaves the
    /// source's origin, no header of the source goes with the requests after it.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, RequestSetup setup, int page, string shownUrl, CancellationToken cancellationToken)
    {
        var target = url;
        var withHeaders = true;
        for (var redirects = 0; ; redirects++)
        {
            using var request = setup.CreateRequest(target, withHeaders);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (redirects == MaxRedirects)
            {
                throw new RestFetchException($"Page {page} ({shownUrl}) redirects more than {MaxRedirects} times; the fetch stops.");
            }

            var next = new Uri(target, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new RestFetchException($"Page {page} ({shownUrl}) redirects to a {next.Scheme} URL; only http and https redirects are followed.");
            }

            withHeaders &= string.Equals(next.GetLeftPart(UriPartial.Authority), setup.Origin, StringComparison.OrdinalIgnoreCase);
            target = next;
        }
    }

    private static RestFetchException TooLarge(int page, string shownUrl, long limit) =>
        new($"Page {page} ({shownUrl}) is larger than {limit:N0} bytes, the most one response may have ({RestFetchOptions.MaxResponseBytesKey}).");

    /// <summary>The wait a <c>Retry-After</c> asks for, at most <see cref="RestFetchOptions.MaxRetryAfter"/>; null without one.</summary>
    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        if (wait is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > _options.MaxRetryAfter ? _options.MaxRetryAfter : value;
    }

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/>: base × 2^(attempt-1), at most the max, of which a
    /// random half is kept so that many sources failing together do not retry together.
    /// </summary>
    private TimeSpan Backoff(int attempt)
    {
        var full = Math.Min(_options.BaseBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxBackoff.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter needs spread, not unpredictability.
        return TimeSpan.FromMilliseconds((full / 2) + (Random.Shared.NextDouble() * full / 2));
#pragma warning restore CA5394
    }
}
