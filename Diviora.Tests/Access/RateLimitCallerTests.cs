using System.Net;
using System.Security.Claims;
using Diviora.Api.Access;
using Microsoft.AspNetCore.Http;

namespace Diviora.Tests.Access;

/// <summary>Who a request counts for, from the token's claims or the remote address.</summary>
[Trait("Category", "Unit")]
public sealed class RateLimitCallerTests
{
    [Theory]
    [InlineData("person-oid", "person-oid", "person-sub", null)]
    [InlineData("person-sub", null, "person-sub", "web-client")]
    [InlineData("automation", null, null, "automation")]
    public void A_signed_in_caller_is_their_object_id_else_subject_else_client(string expected, string? oid, string? sub, string? azp)
    {
        var claims = new List<Claim> { new("tid", "tenant") };
        claims.AddRange(new[] { ("oid", oid), ("sub", sub), ("azp", azp) }.Where(c => c.Item2 is not null).Select(c => new Claim(c.Item1, c.Item2!)));
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer")) };

        Assert.Equal($"user:tenant/{expected}", RateLimitExtensions.CallerOf(context));
    }

    [Fact]
    public void A_caller_without_a_valid_token_is_their_address()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "not-authenticated")]));

        Assert.Equal("address:192.0.2.7", RateLimitExtensions.CallerOf(context));
    }
}
