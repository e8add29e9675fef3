namespace Diviora.Api.Apis;

/// <summary>A request body went past its limit; answered with 413.</summary>
internal sealed class BodyTooLargeException(string what, long limit) : Exception($"The {what} is larger than the limit of {limit:N0} bytes.");
