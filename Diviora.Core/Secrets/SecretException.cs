namespace Diviora.Core.Secrets;

/// <summary>A secret that a source needs cannot be used. The message names the secret, never its value.</summary>
public sealed class SecretException(string secretName, string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The name of the secret, as it was referenced.</summary>
    public string SecretName { get; } = secretName;
}
