namespace Diviora.Core.Ingestion;

/// <summary>
/// The payload itself is wrong (not text, a ragged row, an unterminated quote, a value that does not fit its column).
/// Retrying cannot help, so the run fails at once with this message, which names the row and the rule.
/// </summary>
public sealed class IngestionDataException(string message, Exception? innerException = null) : Exception(message, innerException);
