namespace Diviora.Web.Sources;

/// <summary>The kinds of source, as the Api's JSON spells them (docs/sources.md); the Web keeps its own copy, as it does of the Api's contracts.</summary>
public static class SourceKinds
{
    public const string Rest = "rest";

    public const string Database = "database";

    public const string Dropzone = "dropzone";

    /// <summary>Every kind, in the order the form lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Rest, Database, Dropzone];
}
