namespace Diviora.Web.Api;

/// <summary>
/// Where the Web finds the Api: <c>api</c>, resolved by service discovery from what the AppHost or the deployment hands
/// over. In Development it prefers https and falls back to http, as the AppHost gives the Api plain http on localhost.
/// Elsewhere it is https only: every call carries a person's access token, so there is no silent fallback to http.
/// </summary>
public static class ApiAddress
{
    /// <summary>In Development: https when the Api has it, else http.</summary>
    public static readonly Uri Development = new("https+http://api");

    /// <summary>Outside Development: https only.</summary>
    public static readonly Uri HttpsOnly = new("https://api");

    /// <summary>The Api client's base address for <paramref name="environment"/>.</summary>
    /// <exception cref="InvalidOperationException">Outside Development, the only Api addresses configured are http.</exception>
    public static Uri For(IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);
        if (environment.IsDevelopment())
        {
            return Development;
        }

        // Service discovery reads services:api:{scheme}:{n}; refuse to start rather than fail each call or send tokens in clear.
        var addresses = configuration.GetSection("services:api").AsEnumerable(makePathsRelative: true)
            .Where(a => !string.IsNullOrEmpty(a.Value)).ToList();
        if (addresses.Count > 0 && !addresses.Any(a => a.Key.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
                && a.Value!.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            var (key, value) = addresses[0];
            throw new InvalidOperationException(
                $"The Web calls the Api over https outside Development (environment '{environment.EnvironmentName}'), but the only Api " +
                $"address it was given is not https: services:api:{key} = {value}. Give the Api an https endpoint (services__api__https__0), " +
                "or run with ASPNETCORE_ENVIRONMENT=Development on a developer's machine.");
        }

        return HttpsOnly;
    }
}
