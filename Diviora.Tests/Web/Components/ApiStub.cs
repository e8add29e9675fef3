using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Diviora.Tests.Web.Components;

/// <summary>
/// Stands in for the Diviora Api behind the Web's HttpClient: canned JSON per path (any method), 404 for any other
/// path, or no answer at all while <see cref="Down"/> is set. Remembers every path and query it was asked, and what
/// was sent with each request that had a body.
/// </summary>
public sealed class ApiStub : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, (string Json, HttpStatusCode Status)> _answers = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Each request with a body: its method, path and the body as text.</summary>
    public ConcurrentQueue<(string Method, string Path, string Body)> Sent { get; } = new();

    /// <summary>True makes every request fail the way a stopped Api does: the connection is refused.</summary>
    public bool Down { get; set; }

    /// <summary>Answers requests for <paramref name="path"/> (any query) with <paramref name="json"/> and <paramref name="status"/>.</summary>
    public ApiStub Answer(string path, string json, HttpStatusCode status = HttpStatusCode.OK)
    {
        _answers[path] = (json, status);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!.PathAndQuery);
        if (request.Content is not null)
        {
            Sent.Enqueue((request.Method.Method, request.RequestUri.AbsolutePath, await request.Content.ReadAsStringAsync(cancellationToken)));
        }

        if (Down)
        {
            throw new HttpRequestException("Connection refused (api:443)");
        }

        return _answers.TryGetValue(request.RequestUri.AbsolutePath, out var answer)
            ? new HttpResponseMessage(answer.Status) { Content = new StringContent(answer.Json, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
    }
}
