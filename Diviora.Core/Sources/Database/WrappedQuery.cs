namespace Diviora.Core.Sources.Database;

/// <summary>
/// The source's query inside Diviora's own select, on a line of its own so that a trailing comment cannot swallow the
/// closing parenthesis. Only the quoted incremental column and the cursor's placeholder are added; the cursor never
/// enters the text. The database still takes the whole as one statement (<see cref="DatabaseProvider.EnsureOneStatement"/>),
/// so a query that closes the parenthesis itself gets a syntax error, not a second statement.
/// </summary>
internal static class WrappedQuery
{
    /// <summary>The alias of the source's query.</summary>
    public const string Alias = "diviora_q";

    /// <summary>The query run for its columns alone: their names and types, no rows.</summary>
    public static string Shape(string statement) => $"SELECT * FROM (\n{statement}\n) AS {Alias} WHERE 1 = 0";

    /// <summary>The rows past the cursor (all when <paramref name="withCursor"/> is false), in the order of the column.</summary>
    public static string Incremental(DatabaseProvider provider, string statement, string column, bool withCursor)
    {
        var quoted = $"{Alias}.{provider.Quote(column)}";
        var after = withCursor ? $" WHERE {quoted} > {provider.CursorPlaceholder}" : string.Empty;
        return $"SELECT * FROM (\n{statement}\n) AS {Alias}{after} ORDER BY {quoted}";
    }
}
