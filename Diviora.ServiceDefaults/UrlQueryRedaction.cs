using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Replaces every query value in a span's URL attributes with <c>Redacted</c> before any exporter sees the span. The
/// instrumentations are documented to redact on their own, yet the Api's request URLs reached Application Insights with
/// their query values (Platform/AppInsightsTests), so a secret in a query string would have been stored: this is the one
/// place that holds for every source of spans.
/// </summary>
internal sealed class UrlQueryRedaction : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "url.query", "http.url", "http.target"];

    public override void OnEnd(Activity data)
    {
        foreach (var name in UrlTags)
        {
            if (data.GetTagItem(name) is string value && Redact(value) is { } redacted && !ReferenceEquals(redacted, value))
            {
                data.SetTag(name, redacted);
            }
        }
    }

    /// <summary><paramref name="url"/> with each query value replaced: <c>/a?x=1&amp;y</c> becomes <c>/a?x=Redacted&amp;y</c>.</summary>
    internal static string Redact(string url)
    {
        var start = url.IndexOf('?', StringComparison.Ordinal);
        var query = start < 0 ? (url.Contains('=', StringComparison.Ordinal) && !url.Contains('/', StringComparison.Ordinal) ? 0 : -1) : start + 1;
        if (query < 0 || query >= url.Length)
        {
            return url;
        }

        var fragment = url.IndexOf('#', query);
        var end = fragment < 0 ? url.Length : fragment;
        var parts = url[query..end].Split('&');
        var changed = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0 && parts[i][(equals + 1)..] != "Redacted")
            {
                parts[i] = parts[i][..(equals + 1)] + "Redacted";
                changed = true;
            }
        }

        return changed ? url[..query] + string.Join('&', parts) + url[end..] : url;
    }
}
