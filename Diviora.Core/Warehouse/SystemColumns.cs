namespace Diviora.Core.Warehouse;

/// <summary>Columns Diviora adds to every dataset table; their names start with '_' so they never meet a file's.</summary>
public static class SystemColumns
{
    /// <summary>An ascending row id: the order rows were loaded in, which is file order within a run.</summary>
    public const string RowId = "_row_id";

    /// <summary>In a staging table only: the row's number in the payload, for rejects found after staging.</summary>
    public const string SourceRow = "_source_row";

    /// <summary>The run that loaded the row.</summary>
    public const string RunId = "_run_id";

    /// <summary>When the row was loaded (UTC, ISO 8601).</summary>
    public const string IngestedAt = "_ingested_at";

    /// <summary>
    /// The source a row came from: an ordinary text column that runs of sources add (uploads leave it empty), kept
    /// under this very name so filters, exports and source priority can name it.
    /// </summary>
    public const string Source = "_source";

    /// <summary>The reserved names, for messages.</summary>
    public const string Names = "_row_id, _run_id, _ingested_at";

    /// <summary>True for a name in Diviora's own namespace: every name that starts with <c>_</c>.</summary>
    public static bool IsReserved(string name) => name.StartsWith('_');
}
