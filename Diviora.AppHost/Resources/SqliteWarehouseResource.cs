namespace Aspire.Hosting.ApplicationModel;

/// <summary>The embedded SQLite warehouse: a file in the local data folder, handed to services as a connection string.</summary>
public sealed class SqliteWarehouseResource(string name, string databasePath) : Resource(name), IResourceWithConnectionString
{
    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; } = databasePath;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"Data Source={DatabasePath}");
}
