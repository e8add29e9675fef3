using System.Text.Json.Serialization;
using Diviora.Core.Secrets;

namespace Diviora.Core.Sources;

/// <summary>The <c>rest</c> block of a source: where to fetch, with which headers, where the records are, how to page.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestSettings
{
    /// <summary>The first page's absolute http or https URL.</summary>
    public string? Url { get; init; }

    /// <summary>
    /// Request headers. A value may be a <see cref="SecretReference"/>; a header that carries credentials
    /// (see <see cref="IsCredentialHeader"/>) must be one.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Where the records are in each response, in the <see cref="Sources.RecordsPath"/> subset; <c>$</c> when not set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RecordsPath { get; init; }

    /// <summary>How to fetch the pages after the first; one request when not set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RestPagination? Pagination { get; init; }

    /// <summary>Fetch only what changed since the last successful run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RestIncremental? Incremental { get; init; }

    /// <summary>
    /// True for headers whose values are credentials: <c>Authorization</c>, <c>Proxy-Authorization</c>, <c>Cookie</c>,
    /// and any name containing <c>key</c>, <c>token</c>, <c>secret</c> or <c>password</c> (<c>X-Api-Key</c>).
    /// </summary>
    public static bool IsCredentialHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("password", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Query parameter names that carry credentials, compared ignoring case and anything but letters and digits
    /// (<c>api_key</c>, <c>apiKey</c> and <c>API-KEY</c> are one name). Exact names only: <c>pageToken</c> and
    /// <c>sortKey</c> page and order, they do not authenticate.
    /// </summary>
    public static readonly IReadOnlySet<string> CredentialParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "apikey", "xapikey", "key", "appkey", "accesskey", "secretkey", "privatekey", "subscriptionkey",
        "token", "accesstoken", "authtoken", "refreshtoken", "idtoken", "bearer",
        "password", "passwd", "pwd", "pass", "secret", "clientsecret", "apisecret", "appsecret",
        "sig", "signature", "auth", "authorization", "credential", "credentials", "sessionid",
    };

    /// <summary>True when a query parameter named <paramref name="name"/> carries credentials (see <see cref="CredentialParameters"/>).</summary>
    public static bool IsCredentialParameter(string name) =>
        CredentialParameters.Contains(new string([.. name.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]));

    /// <summary>Checks the block; a message naming the first bad field (<c>rest.url</c>), or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Url))
        {
            return "rest.url is required: the first page's absolute http or https URL.";
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            // Only up to the query: a URL that does not parse may still carry a key in it.
            return $"rest.url '{Url.Split('?', '#')[0]}' is not an absolute http or https URL.";
        }

        if (url.UserInfo.Length > 0)
        {
            return "rest.url must not hold a user name or password: send credentials in a header whose value is a secret reference.";
        }

        if (CredentialInQuery(url) is { } parameter)
        {
            // The name only, never the value.
            return $"rest.url: the query parameter '{parameter}' carries a credential, which would be stored and shown with the source. " +
                $"Remove it from the URL and send it in a header whose value is a secret reference, such as rest.headers['X-Api-Key'] = 'secret:NAME' " +
                $"(store the value with PUT /api/secrets/NAME).";
        }

        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            if (CheckHeader(name, value) is { } bad)
            {
                return bad;
            }
        }

        if (RecordsPath is not null && Sources.RecordsPath.TryParse(RecordsPath, allowEachElement: true, out var error) is null)
        {
            return $"rest.recordsPath '{RecordsPath}' {error}";
        }

        if (Pagination?.Validate() is { } pagination)
        {
            return pagination;
        }

        if (Incremental is { } incremental)
        {
            if (string.IsNullOrWhiteSpace(incremental.CursorField))
            {
                return "rest.incremental.cursorField is required: the record field whose highest value the next run starts from.";
            }

            if (string.IsNullOrWhiteSpace(incremental.Param))
            {
                return "rest.incremental.param is required: the query parameter that sends the last run's highest cursorField value.";
            }
        }

        return null;
    }

    /// <summary>The name of the first query parameter of <paramref name="url"/> that carries a credential, or null.</summary>
    private static string? CredentialInQuery(Uri url)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(pair.Split('=', 2)[0].Replace('+', ' '));
            if (IsCredentialParameter(name))
            {
                return name.Length <= 100 ? name : name[..100] + "...";
            }
        }

        return null;
    }

    private static string? CheckHeader(string name, string? value)
    {
        var field = $"rest.headers['{name}']";
        if (name.Length == 0 || !name.All(IsTokenChar))
        {
            return $"{field}: '{name}' is not a valid header name.";
        }

        if (value is null || value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
        {
            return $"{field} must be a single-line text value.";
        }

        if (SecretReference.IsReference(value))
        {
            return SecretReference.IsValid(value) ? null : $"{field} '{value}' is not a valid secret reference: use {SecretReference.Rule}.";
        }

        return IsCredentialHeader(name)
            ? $"{field} carries credentials, so its value must be a secret reference such as 'secret:{Suggest(name)}', not the value itself. Store the value as a secret and refer to it."
            : null;
    }

    private static string Suggest(string header) => new([.. header.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-')]);

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}

/// <summary>
/// How a REST source pages: <c>nextLink</c> follows the URL at <see cref="Path"/>; <c>page</c> counts pages in
/// <see cref="Param"/>; <c>cursor</c> sends the value at <see cref="Path"/> back in <see cref="Param"/>; <c>offset</c>
/// advances <see cref="Param"/> by <see cref="Size"/>. Fetching stops at an empty page or a missing link or cursor.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestPagination
{
    /// <summary>The pagination types.</summary>
    public static readonly IReadOnlyList<string> Types = ["nextLink", "page", "cursor", "offset"];

    /// <summary>The largest page size a source may ask for.</summary>
    public const int MaxSize = 10_000;

    public string? Type { get; init; }

    /// <summary>nextLink and cursor: where the next link or cursor is in a response (one value, no <c>[*]</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Path { get; init; }

    /// <summary>page, cursor and offset: the query parameter that carries the page number, cursor or offset.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Param { get; init; }

    /// <summary>page: the query parameter that carries <see cref="Size"/> (optional).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SizeParam { get; init; }

    /// <summary>offset: the query parameter that carries <see cref="Size"/> (optional).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LimitParam { get; init; }

    /// <summary>page (with sizeParam) and offset: records per page, 1 to <see cref="MaxSize"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Size { get; init; }

    /// <summary>Checks the block; a message naming the first bad field (<c>rest.pagination.type</c>), or null.</summary>
    public string? Validate()
    {
        if (Type is null || !Types.Contains(Type, StringComparer.Ordinal))
        {
            return $"rest.pagination.type '{Type}' is not one of {string.Join(", ", Types)}.";
        }

        // Which fields each type needs (true) or allows (false); a field it does not use is refused, not ignored.
        (string Name, object? Value, bool Required)[] fields = Type switch
        {
            "nextLink" => [("path", Path, true)],
            "page" => [("param", Param, true), ("sizeParam", SizeParam, false), ("size", Size, SizeParam is not null)],
            "cursor" => [("param", Param, true), ("path", Path, true)],
            _ => [("param", Param, true), ("limitParam", LimitParam, false), ("size", Size, true)],
        };

        foreach (var (name, value, required) in fields)
        {
            if (required && (value is null || value is string { Length: 0 }))
            {
                return $"rest.pagination.{name} is required for type {Type}.";
            }
        }

        foreach (var (name, value) in new (string, object?)[] { ("path", Path), ("param", Param), ("sizeParam", SizeParam), ("limitParam", LimitParam), ("size", Size) })
        {
            if (value is not null && !fields.Any(f => f.Name == name))
            {
                return $"rest.pagination.{name} does not apply to type {Type}.";
            }
        }

        if (Path is not null && RecordsPath.TryParse(Path, allowEachElement: false, out var error) is null)
        {
            return $"rest.pagination.path '{Path}' {error}";
        }

        if (Size is < 1 or > MaxSize)
        {
            return $"rest.pagination.size must be between 1 and {MaxSize}; it was {Size}.";
        }

        return null;
    }
}

/// <summary>
/// Incremental REST runs: each run sends, in the query parameter <see cref="Param"/>, the highest value of the record
/// field <see cref="CursorField"/> that the last successful run loaded.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestIncremental
{
    public string? CursorField { get; init; }

    public string? Param { get; init; }
}
