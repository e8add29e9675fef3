namespace Diviora.Core.Warehouse;

/// <summary>Columns Diviora adds to every dataset table; their names start with '_' so they never meet a file's.</summary>
public static class SystemColumns
{
    /// <summary>An ascending row id: the order rows were loaded in, which is file order within a run.</summary>
    public const string RowId = "_row_id";

    /// <summary>The run that loaded the row.</summary>
    public const string RunId = "_run_id";

    /// <summary>When the row was loaded (UTC, ISO 8601).</summary>
    public const string IngestedAt = "_ingested_at";
}
