namespace Diviora.Tests.Access;

/// <summary>The real Api in-process with small rate limits: 5 requests a minute per caller, 2 changes, 1 source test.</summary>
public sealed class RateLimitedApi() : InProcessApi(new Dictionary<string, string>
{
    ["Diviora:RateLimits:PermitsPerMinute"] = "5",
    ["Diviora:RateLimits:ChangePermitsPerMinute"] = "2",
    ["Diviora:RateLimits:SourceTestPermitsPerMinute"] = "1",
});
