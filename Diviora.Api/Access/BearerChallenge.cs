using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Diviora.Api.Access;

/// <summary>
/// The 401 answer: <c>WWW-Authenticate: Bearer</c> (RFC 6750) and a problem detail that says what was wrong with the
/// token (missing, malformed, expired, for another audience or issuer, signature), never echoing the token.
/// </summary>
internal static class BearerChallenge
{
    public static async Task WriteAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var audience = context.HttpContext.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value.Audience;
        var (error, detail) = Describe(context.AuthenticateFailure, audience);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        // Without credentials RFC 6750 wants a bare challenge; with a bad token it names the error.
        response.Headers.WWWAuthenticate = error is null
            ? "Bearer"
            : $"Bearer error=\"{error}\", error_description=\"{detail.Replace("\"", "'", StringComparison.Ordinal)}\"";
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = error is null ? "Sign-in required" : "Invalid token", Detail = detail },
        });
    }

    internal static (string? Error, string Detail) Describe(Exception? failure, string audience) => failure switch
    {
        null => (null, "This needs an access token: send 'Authorization: Bearer <token>' (see docs/security.md for how to get one)."),
        SecurityTokenExpiredException expired => ("invalid_token", $"The token expired at {expired.Expires:u}: get a new one."),
        SecurityTokenNotYetValidException => ("invalid_token", "The token is not valid yet (its nbf is in the future)."),
        SecurityTokenNoExpirationException => ("invalid_token", "The token has no expiry (exp); tokens must expire."),
        SecurityTokenInvalidAudienceException => ("invalid_token", $"The token is for another audience; this Api takes tokens for '{audience}'."),
        SecurityTokenInvalidIssuerException => ("invalid_token", "The token comes from an issuer this Api does not trust."),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            ("invalid_token", "The token's signature does not verify with the issuer's keys: it was changed or signed by someone else."),
        SecurityTokenMalformedException or ArgumentException => ("invalid_token", "The token is malformed: it is not a signed JWT."),
        _ => ("invalid_token", "The token is not valid."),
    };
}
