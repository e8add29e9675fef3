using System.Data.Common;
using Diviora.Core.Warehouse.Postgres;
using Diviora.Core.Warehouse.SqlServer;
using Diviora.Core.Warehouse.Sqlite;

namespace Diviora.Core.Warehouse;

/// <summary>Chooses the warehouse a connection string names.</summary>
public static class Warehouses
{
    /// <summary>
    /// PostgreSQL when the string has a <c>Host</c>; Azure SQL / SQL Server when it has a <c>Server</c>,
    /// <c>Initial Catalog</c> or a <c>tcp:</c> data source; otherwise a SQLite file (<c>Data Source=path</c>).
    /// </summary>
    /// <param name="connectionString">The warehouse's connection string.</param>
    /// <param name="timeouts">Command timeouts for queries and loads; <see cref="WarehouseTimeouts.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The string is not a connection string.</exception>
    public static IWarehouse FromConnectionString(string connectionString, WarehouseTimeouts? timeouts = null) => KindOf(connectionString) switch
    {
        WarehouseKind.Postgres => new PostgresWarehouse(connectionString, timeouts),
        WarehouseKind.SqlServer => new SqlServerWarehouse(connectionString, timeouts),
        _ => new SqliteWarehouse(connectionString),
    };

    /// <summary>Which kind of warehouse <paramref name="connectionString"/> names.</summary>
    public static WarehouseKind KindOf(string connectionString)
    {
        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Has(string key) => keys.ContainsKey(key);
        if (Has("Host"))
        {
            return WarehouseKind.Postgres;
        }

        var source = keys.TryGetValue("Data Source", out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
        return Has("Server") || Has("Initial Catalog") || Has("Authentication") || source.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase)
            ? WarehouseKind.SqlServer
            : WarehouseKind.Sqlite;
    }
}

/// <summary>The warehouses Diviora loads into.</summary>
public enum WarehouseKind
{
    Sqlite,
    Postgres,
    SqlServer,
}
