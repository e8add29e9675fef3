namespace Diviora.Core.Sources.Database;

/// <summary>
/// A database source could not be fetched. The message names the provider and what failed (connecting, the query with the
/// driver's own message, the incremental column, the cursor); it never holds the connection string or its password, and
/// the driver's exception is not attached, since drivers are free to quote connection settings.
/// </summary>
public sealed class DatabaseFetchException : Exception
{
    public DatabaseFetchException()
    {
    }

    public DatabaseFetchException(string message)
        : base(message)
    {
    }

    public DatabaseFetchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
