namespace Diviora.Api.Access;

/// <summary>
/// How many requests one caller may send (<c>Diviora:RateLimits</c>): a caller is the signed-in person or client of the
/// token, or the remote address without one. Each limit allows that many at once and refills evenly over a minute.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "Diviora:RateLimits";

    /// <summary>Every request but health probes: reads, queries, exports, and the changes below.</summary>
    public int PermitsPerMinute { get; set; } = 1200;

    /// <summary>
    /// Requests to routes that need an Editor or an Admin: uploads, format detection, settings, sources, runs started,
    /// replays and secrets. They write, or do work a read does not.
    /// </summary>
    public int ChangePermitsPerMinute { get; set; } = 120;

    /// <summary><c>POST /api/sources/test</c>, which fetches from the source while the caller waits.</summary>
    public int SourceTestPermitsPerMinute { get; set; } = 20;
}
