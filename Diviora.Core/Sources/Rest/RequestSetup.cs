using System.Text;
using Diviora.Core.Secrets;

namespace Diviora.Core.Sources.Rest;

/// <summary>
/// What every request of one fetch shares: the first URL, the headers with their secrets resolved, and the query
/// parameters Diviora sets. It also keeps resolved secrets out of what a message quotes.
/// </summary>
internal sealed class RequestSetup
{
    private readonly Uri _first;
    private readonly List<(string Name, ResolvedText Value)> _headers;
    private readonly List<string> _secretValues;
    private readonly KeyValuePair<string, string>? _since;
    private readonly HashSet<string> _shownParams;

    private RequestSetup(Uri first, List<(string Name, ResolvedText Value)> headers, List<string> secretValues, KeyValuePair<string, string>? since, HashSet<string> shownParams)
    {
        _first = first;
        _headers = headers;
        _secretValues = secretValues;
        _since = since;
        _shownParams = shownParams;
        Origin = first.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The scheme, host and port of the source URL: next links must stay on it.</summary>
    public string Origin { get; }

    public static async Task<RequestSetup> CreateAsync(RestSettings settings, string? lastCursor, ISecretStore secrets, CancellationToken cancellationToken)
    {
        var headers = new List<(string, ResolvedText)>();
        var resolvedSecrets = new List<string>();
        foreach (var (name, value) in settings.Headers ?? new Dictionary<string, string>())
        {
            var resolved = await secrets.ResolveAsync(value, cancellationToken).ConfigureAwait(false);
            if (resolved.IsSecret)
            {
                resolvedSecrets.Add(resolved.Value);
            }

            headers.Add((name, resolved));
        }

        var secretValues = SecretText.FormsOf(resolvedSecrets);

        var pagination = settings.Pagination;
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { pagination?.Param, pagination?.SizeParam, pagination?.LimitParam, settings.Incremental?.Param })
        {
            if (name is not null)
            {
                shown.Add(name);
            }
        }

        var since = lastCursor is not null && settings.Incremental?.Param is { } param ? new KeyValuePair<string, string>(param, lastCursor) : (KeyValuePair<string, string>?)null;
        return new RequestSetup(new Uri(settings.Url!), headers, secretValues, since, shown);
    }

    /// <summary>The first page's URL.</summary>
    public Uri First(RestPagination? pagination) => pagination?.Type switch
    {
        "page" => Page(pagination, "1"),
        "offset" => Page(pagination, "0"),
        _ => RestUrl.With(_first, _since is { } since ? [since] : []),
    };

    /// <summary>The URL with the pagination parameter set to <paramref name="value"/> (a page number, offset or cursor), and the size when there is one.</summary>
    public Uri Page(RestPagination pagination, string value)
    {
        var set = new List<KeyValuePair<string, string>>(4);
        if (_since is { } since)
        {
            set.Add(since);
        }

        set.Add(new(pagination.Param!, value));
        if ((pagination.SizeParam ?? pagination.LimitParam) is { } sizeParam && pagination.Size is { } size)
        {
            set.Add(new(sizeParam, size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return RestUrl.With(_first, set);
    }

    /// <summary>The URL for a message, query values Diviora did not set hidden.</summary>
    public string Show(Uri url) => RestUrl.ForMessage(url, _shownParams);

    /// <summary>
    /// The GET request for <paramref name="url"/> with the source's headers, a secret one only where its hosts allow; none
    /// at all when <paramref name="withHeaders"/> is false (a redirect led to another origin).
    /// </summary>
    /// <exception cref="Secrets.SecretException">A header's secret is not bound to the URL's host and port.</exception>
    public HttpRequestMessage CreateRequest(Uri url, bool withHeaders = true)
    {
        if (withHeaders)
        {
            foreach (var (name, value) in _headers)
            {
                value.EnsureAllowed(url.IdnHost, url.Port, $"rest.headers['{name}']");
            }
        }

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in withHeaders ? _headers : [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value.Value))
            {
                request.Dispose();
                throw new RestFetchException($"The header rest.headers['{name}'] cannot be sent on a GET request: it describes a request body, and there is none.");
            }
        }

        return request;
    }

    /// <summary>The resolved secrets of the headers (and their bare tokens) as UTF-8, longest first, to mask in records.</summary>
    public byte[][] SecretsUtf8 => SecretText.Utf8(_secretValues);

    /// <summary>The start of a failed response's body, at most <paramref name="limit"/> characters, resolved secrets replaced by <c>***</c>.</summary>
    public async Task<string> ExcerptAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        // Read past the limit by the longest secret, so that a secret cut in half at the limit is still found.
        var longest = _secretValues.Count > 0 ? _secretValues[0].Length : 0;
        var chars = new char[limit + longest];
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var read = 0;
            while (read < chars.Length)
            {
                var n = await reader.ReadAsync(chars.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var text = SecretText.Hide(new string(chars, 0, read), _secretValues);
            return (text.Length > limit ? text[..limit] + "..." : text).Trim();
        }
    }
}
