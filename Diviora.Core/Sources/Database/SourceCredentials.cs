using System.Data.Common;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// The rule that a source brings its own credentials: a connection string may not ask the driver to sign in as whatever
/// identity Diviora itself runs as (its managed identity, its Kerberos ticket, files on its machine).
/// </summary>
internal static class SourceCredentials
{
    /// <summary>True when <paramref name="connectionString"/> has one of <paramref name="keywords"/>, read as generic key-value pairs.</summary>
    public static bool Has(string connectionString, params string[] keywords)
    {
        try
        {
            var pairs = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return keywords.Any(pairs.ContainsKey);
        }
        catch (ArgumentException)
        {
            // Not even key-value pairs: the provider's own builder says what is wrong with it.
            return false;
        }
    }

    /// <summary>The refusal of <paramref name="keyword"/>, which <paramref name="why"/>. Keywords and modes hold no secrets.</summary>
    public static DatabaseFetchException Refused(string keyword, string why) =>
        new($"database.connection may not use {keyword}: it {why}. A source brings its own credentials: give its user and password in the connection string.");
}
