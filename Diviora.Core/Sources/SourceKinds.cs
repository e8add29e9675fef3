namespace Diviora.Core.Sources;

/// <summary>
/// The kinds of source, as the catalog stores them and the Api's JSON spells them. Constants, so that EF Core queries
/// and <c>switch</c> patterns can use them; the values must not change.
/// </summary>
public static class SourceKinds
{
    /// <summary>A REST API whose pages are fetched on schedule or on request.</summary>
    public const string Rest = "rest";

    /// <summary>A database whose query is run on schedule or on request.</summary>
    public const string Database = "database";

    /// <summary>A folder of the incoming container; a run starts when a file arrives.</summary>
    public const string Dropzone = "dropzone";

    /// <summary>Every kind, in the order forms and messages list them.</summary>
    public static readonly IReadOnlyList<string> All = [Rest, Database, Dropzone];

    /// <summary>
    /// The error for a kind a <c>switch</c> does not know: a stored or validated kind is one of <see cref="All"/>, so
    /// reaching it is a bug, never a reason to treat the source as another kind.
    /// </summary>
    public static InvalidOperationException Unknown(string? kind) =>
        new($"Source kind '{kind}' is not one of {string.Join(", ", All)}.");
}
