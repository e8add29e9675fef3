namespace Diviora.Core.Sources.Rest;

/// <summary>
/// A REST source could not be fetched. The message names the page, the URL (query values that Diviora did not set
/// itself replaced by <c>***</c>) and what went wrong; it never holds a resolved secret.
/// </summary>
public sealed class RestFetchException : Exception
{
    public RestFetchException()
    {
    }

    public RestFetchException(string message)
        : base(message)
    {
    }

    public RestFetchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of the last response, when there was one.</summary>
    public int? StatusCode { get; init; }
}
