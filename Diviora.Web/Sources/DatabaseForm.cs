using System.Text.Json.Nodes;
using Diviora.Web.Api;

namespace Diviora.Web.Sources;

/// <summary>The <c>database</c> block as a form: provider, the connection's secret reference, the query, the incremental column.</summary>
public sealed class DatabaseForm
{
    public static readonly IReadOnlyList<string> Providers = ["postgres", "sqlserver", "sqlite"];

    public string Provider { get; set; } = "postgres";

    /// <summary>A secret reference such as <c>secret:erp-db</c>, never the connection string.</summary>
    public string Connection { get; set; } = "";

    public string Query { get; set; } = "";

    public string IncrementalColumn { get; set; } = "";

    public static DatabaseForm From(DatabaseSettings? database) => new()
    {
        Provider = database?.Provider ?? "postgres",
        Connection = database?.Connection ?? "",
        Query = database?.Query ?? "",
        IncrementalColumn = database?.Incremental?.Column ?? "",
    };

    public JsonObject ToJson()
    {
        var database = new JsonObject { ["provider"] = Provider, ["connection"] = Connection.Trim(), ["query"] = Query.Trim() };
        if (!string.IsNullOrWhiteSpace(IncrementalColumn))
        {
            database["incremental"] = new JsonObject { ["column"] = IncrementalColumn.Trim() };
        }

        return database;
    }
}
