namespace Diviora.Core.Catalog;

/// <summary>
/// How a dataset takes its runs (<see cref="DatasetSettings.Mode"/>), as its stored settings and the Api's JSON spell
/// them. Constants, so that <c>switch</c> patterns can use them; the values must not change.
/// </summary>
public static class DatasetModes
{
    /// <summary>Adds every run's rows.</summary>
    public const string Append = "append";

    /// <summary>Merges a run's rows on the dataset's key.</summary>
    public const string Upsert = "upsert";

    /// <summary>Swaps the whole table for the run's rows.</summary>
    public const string Replace = "replace";

    /// <summary>Every mode, in the order messages list them.</summary>
    public static readonly IReadOnlyList<string> All = [Append, Upsert, Replace];
}
