namespace Diviora.Web.Api;

/// <summary>How a dataset takes a run's rows, as the Api's settings JSON spells them (docs/ingestion.md).</summary>
public static class DatasetModes
{
    public const string Append = "append";

    public const string Upsert = "upsert";

    public const string Replace = "replace";
}
