namespace Diviora.Core.Warehouse;

/// <summary>
/// The rank of a row's <c>_source</c> in a dataset's source priority, as SQL every dialect runs: 0 for the first
/// source listed, and the count of sources for one not listed (or no source at all). The names travel as the
/// parameters <c>@rank0</c>, <c>@rank1</c> ..., lower case, and are compared with <c>LOWER(_source)</c>.
/// </summary>
public static class SourceRank
{
    /// <summary>The name of the <paramref name="index"/>th priority parameter.</summary>
    public static string Parameter(int index) => "@rank" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The rank of <paramref name="sourceColumn"/> (an already quoted, qualified column) among <paramref name="ranks"/> sources.</summary>
    public static string Of(string sourceColumn, int ranks) =>
        $"CASE LOWER({sourceColumn}){string.Concat(Enumerable.Range(0, ranks).Select(i => $" WHEN {Parameter(i)} THEN {i}"))} ELSE {ranks} END";

    /// <summary>True when a staged row may replace a loaded one: its source ranks the same or higher.</summary>
    public static string Allows(string stagedSource, string loadedSource, int ranks) => $"{Of(stagedSource, ranks)} <= {Of(loadedSource, ranks)}";
}
