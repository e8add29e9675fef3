using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Diviora.Core.Secrets;
using Diviora.Core.Sources.Network;
using Diviora.Core.Storage;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

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
/// Retries come from the client's resilience handler (<see cref="SourceHttp"/>), up to <see cref="RestFetchOptions.MaxAttempts"/>
/// attempts per request: a 429, a 5xx, an attempt without headers within <see cref="RestFetchOptions.RequestTimeout"/> or a
/// failed connection is tried again after the response's <c>Retry-After</c> (at most <see cref="RestFetchOptions.MaxRetryAfter"/>),
/// or after an exponential backoff with jitter. Any other status fails at once, and so does a body that breaks off or
/// takes longer than <see cref="RestFetchOptions.ReadTimeout"/>. A page is checked whole before any of it is written, but
/// a failed fetch leaves the pages before it in the stream: the caller discards the stream, and stores
/// <see cref="RestFetchResult.NewCursor"/> only after a run succeeds.
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
    private readonly RestFetchOptions _options;

    /// <param name="http">
    /// The sources client (<see cref="SourceHttp"/>), which checks every address against the network policy, retries and
    /// times out each request under the limits the fetcher gives it. It must not follow redirects: the fetcher does,
    /// checking each.
    /// </param>
    /// <param name="secrets">Resolves <c>secret:name</c> header values.</param>
    /// <param name="options">Attempts, backoff, page and time limits; <see cref="RestFetchOptions.Default"/> when null.</param>
    public RestFetcher(HttpClient http, ISecretStore secrets, RestFetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(secrets);
        _http = http;
        _secrets = secrets;
        _options = options ?? RestFetchOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPages, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxResponseBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRecords, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.ReadTimeout, TimeSpan.Zero, nameof(options));
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

    /// <summary>One page's response body read by <paramref name="read"/>, after the client's retries; throws when it cannot be had.</summary>
    private async Task<PageReader> GetPageAsync(Uri url, RequestSetup setup, int page, string shownUrl, Func<Stream, CancellationToken, Task<PageReader>> read, CancellationToken cancellationToken)
    {
        var attempts = new RequestAttempts(_options);
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(url, setup, attempts, page, shownUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SourceAddressRefusedException refused)
        {
            throw new RestFetchException($"Page {page} ({shownUrl}) was not requested: {refused.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or IOException && !cancellationToken.IsCancellationRequested)
        {
            var error = e switch
            {
                TimeoutRejectedException timeout => $"no response within {timeout.Timeout.TotalSeconds:0.###} s",
                BrokenCircuitException => $"requests to {setup.Origin} failed too often lately, so they pause for a few seconds",
                _ => $"the request failed: {e.Message}",
            };
            throw GaveUp(page, shownUrl, attempts, error, status: null);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ReadTimeout);
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    var excerpt = await setup.ExcerptAsync(response.Content, BodyExcerptChars, timeout.Token).ConfigureAwait(false);
                    var error = $"HTTP {status} {response.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt : string.Empty)}";
                    throw SourceResilience.IsTransient(Outcome.FromResult(response))
                        ? GaveUp(page, shownUrl, attempts, error, status)
                        : new RestFetchException($"Page {page} ({shownUrl}) failed with {error}") { StatusCode = status };
                }

                var limit = _options.MaxResponseBytes;
                if (response.Content.Headers.ContentLength > limit)
                {
                    throw TooLarge(page, shownUrl, limit);
                }

                var stream = new ByteLimitStream(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false), limit, _ => TooLarge(page, shownUrl, limit));
                await using (stream.ConfigureAwait(false))
                {
                    return await read(stream, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (JsonException e)
            {
                throw new RestFetchException($"Page {page} ({shownUrl}) is not valid JSON: {e.Message}", e) { StatusCode = status };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RestFetchException($"Page {page} ({shownUrl}) was not read within {_options.ReadTimeout.TotalSeconds:0.###} s ({nameof(RestFetchOptions.ReadTimeout)}).") { StatusCode = status };
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // The client retries a request up to its response's headers; a body that breaks off after them fails the fetch.
                throw new RestFetchException($"Page {page} ({shownUrl}) broke off while its body was read: {e.Message}", e) { StatusCode = status };
            }
        }
    }

    private static RestFetchException GaveUp(int page, string shownUrl, RequestAttempts attempts, string error, int? status) =>
        new($"Gave up on page {page} ({shownUrl}) after {attempts.Count} attempt{(attempts.Count == 1 ? string.Empty : "s")}; the last error: {error}") { StatusCode = status };

    /// <summary>
    /// Sends the GET for <paramref name="url"/> and follows up to <see cref="MaxRedirects"/> redirects itself: each target
    /// must be http or https and goes through the network policy when it connects, and once a redirect leaves the
    /// source's origin, no header of the source goes with the requests after it. Each request goes through the client's
    /// retries on its own.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, RequestSetup setup, RequestAttempts attempts, int page, string shownUrl, CancellationToken cancellationToken)
    {
        var target = url;
        var withHeaders = true;
        for (var redirects = 0; ; redirects++)
        {
            using var request = setup.CreateRequest(target, withHeaders);
            attempts.Attach(request);
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
}
