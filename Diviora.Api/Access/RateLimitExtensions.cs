using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Diviora.Api.Access;

/// <summary>
/// Per-caller rate limits with ASP.NET Core's limiter: one caller cannot starve the others of a small Api. Every request
/// counts against <see cref="RateLimitOptions.PermitsPerMinute"/>, a change also against
/// <see cref="RateLimitOptions.ChangePermitsPerMinute"/>, a source test also against its own. Past a limit the answer is
/// 429 with <c>Retry-After</c> in seconds and a problem detail; health probes are never limited.
/// </summary>
internal static class RateLimitExtensions
{
    /// <summary>The policy of <c>POST /api/sources/test</c>.</summary>
    public const string SourceTests = "source-tests";

    public static IHostApplicationBuilder AddDivioraRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o is { PermitsPerMinute: > 0, ChangePermitsPerMinute: > 0, SourceTestPermitsPerMinute: > 0 },
                $"{RateLimitOptions.Section}: PermitsPerMinute, ChangePermitsPerMinute and SourceTestPermitsPerMinute must each be 1 or more.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, configured) =>
        {
            var limits = configured.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => PerMinute(CallerOf(context), limits.PermitsPerMinute)),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsChange(context) ? PerMinute(CallerOf(context), limits.ChangePermitsPerMinute) : RateLimitPartition.GetNoLimiter("")));
            limiter.AddPolicy(SourceTests, context => PerMinute(CallerOf(context), limits.SourceTestPermitsPerMinute));
            limiter.OnRejected = (rejected, cancellationToken) => WriteProblemAsync(rejected, limits, cancellationToken);
        });
        return builder;
    }

    /// <summary>
    /// Who a request counts for: the token's object id (<c>oid</c>, Entra's stable id of a person or a client) or subject
    /// (<c>sub</c>), else the client it was issued to (<c>client_id</c>, <c>azp</c>, <c>appid</c>); without a valid token, the
    /// remote address.
    /// </summary>
    internal static string CallerOf(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            foreach (var type in (ReadOnlySpan<string>)["oid", "sub", ClaimTypes.NameIdentifier, "client_id", "azp", "appid"])
            {
                if (user.FindFirst(type)?.Value is { Length: > 0 } id)
                {
                    // The tenant keeps ids of two tenants apart; the local provider has none.
                    return $"user:{user.FindFirst("tid")?.Value}/{id}";
                }
            }
        }

        return "address:" + context.Connection.RemoteIpAddress;
    }

    /// <summary>A route that needs an Editor or an Admin: it changes something, or does work a read does not.</summary>
    private static bool IsChange(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is AppRoles.Editor or AppRoles.Admin) == true;

    /// <summary><paramref name="permits"/> at once, refilled one at a time over a minute.</summary>
    private static RateLimitPartition<string> PerMinute(string caller, int permits) =>
        RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, TimeSpan.TicksPerMinute / permits)),
            QueueLimit = 0,
        });

    private static async ValueTask WriteProblemAsync(OnRejectedContext rejected, RateLimitOptions limits, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"Too many requests from you: the Api takes {limits.PermitsPerMinute} a minute from each user, of which " +
            $"{limits.ChangePermitsPerMinute} may be changes (routes that need an Editor or Admin) and {limits.SourceTestPermitsPerMinute} " +
            $"source tests. Try again in {seconds} s.";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = detail,
                Extensions = { ["retryAfterSeconds"] = seconds },
            },
        });
    }
}
