using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Diviora.Tests.Web.Components;

/// <summary>
/// Stands in for the Diviora Api behind the Web's HttpClient: canned JSON per path, 404 for any other path, or no
/// answer at all while <see cref="Down"/> is set. Remembers every path and query it was asked.
/// </summary>
public sealed class ApiStub : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>True makes every request fail the way a stopped Api does: the connection is refused.</summary>
    public bool Down { get; set; }

    /// <summary>Answers requests for <paramref name="path"/> (any query) with <paramref name="json"/>.</summary>
    public ApiStub Answer(string path, string json)
    {
        _answers[path] = json;
        return this;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!.PathAndQuery);
        if (Down)
        {
            throw new HttpRequestException("Connection refused (api:443)");
        }

        var response = _answers.TryGetValue(request.RequestUri.AbsolutePath, out var json)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
        return Task.FromResult(response);
    }
}
