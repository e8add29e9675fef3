using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Diviora.Api.Access;

/// <summary>The 403 answer as a problem detail that names the role the request needs and the roles the token has.</summary>
internal sealed class RoleProblemHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        // The narrowest role requirement that failed is the role the request needs.
        var needed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>()
            .MinBy(r => r.AllowedRoles.Count())?.AllowedRoles.FirstOrDefault() ?? AppRoles.Reader;
        var held = context.User.FindAll(AppRoles.ClaimType).Select(c => c.Value).ToArray();
        var detail = $"This needs the {needed} role" + (needed == AppRoles.Admin ? "" : " or a higher one") + "; " +
            (held.Length == 0 ? "the token carries no role." : $"the token's roles: {string.Join(", ", held)}.");
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Role not enough", Detail = detail, Extensions = { ["requiredRole"] = needed } },
        });
    }
}
