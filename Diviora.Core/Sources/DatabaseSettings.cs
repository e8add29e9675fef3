using System.Text.Json.Serialization;
using Diviora.Core.Secrets;

namespace Diviora.Core.Sources;

/// <summary>The <c>database</c> block of a source: which driver, which stored connection, and the query to read.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DatabaseSettings
{
    /// <summary>The database providers a source can read.</summary>
    public static readonly IReadOnlyList<string> Providers = ["postgres", "sqlserver", "sqlite"];

    /// <summary>The longest query a source may keep.</summary>
    public const int MaxQueryLength = 32 * 1024;

    public string? Provider { get; init; }

    /// <summary>A <see cref="SecretReference"/> to the connection string: connection strings hold passwords.</summary>
    public string? Connection { get; init; }

    /// <summary>One read-only looking statement (see <see cref="ReadOnlyQuery"/>).</summary>
    public string? Query { get; init; }

    /// <summary>Read only rows whose <see cref="DatabaseIncremental.Column"/> passed the last successful run's highest value.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DatabaseIncremental? Incremental { get; init; }

    /// <summary>Checks the block; a message naming the first bad field (<c>database.query</c>), or null.</summary>
    public string? Validate()
    {
        if (Provider is null || !Providers.Contains(Provider, StringComparer.Ordinal))
        {
            return $"database.provider '{Provider}' is not one of {string.Join(", ", Providers)}.";
        }

        if (!SecretReference.IsValid(Connection))
        {
            return SecretReference.IsReference(Connection)
                ? $"database.connection '{Connection}' is not a valid secret reference: use {SecretReference.Rule}."
                : "database.connection must be a secret reference such as 'secret:erp-db', not a connection string: connection strings hold passwords. Store it as a secret and refer to it.";
        }

        if (string.IsNullOrWhiteSpace(Query))
        {
            return "database.query is required: one select (or with ... select) statement.";
        }

        if (Query.Length > MaxQueryLength)
        {
            return $"database.query is longer than {MaxQueryLength} characters.";
        }

        if (ReadOnlyQuery.Check(Query) is { } refused)
        {
            return "database.query " + refused;
        }

        // SQL Server needs no ';' between statements: its own parser tells, here already, before a source is saved.
        if (Provider == "sqlserver" && Database.TSqlSelect.Check(Query) is { } notOneSelect)
        {
            return "database.query must be one SELECT statement that only reads: " + notOneSelect;
        }

        if (Incremental is not null && string.IsNullOrWhiteSpace(Incremental.Column))
        {
            return "database.incremental.column is required: a column whose values only grow, such as updated_at or id.";
        }

        if (Incremental is not null && Database.IncrementalColumn.CheckName(Incremental.Column!) is { } badColumn)
        {
            return badColumn;
        }

        return null;
    }
}

/// <summary>Incremental database runs: the column whose values only grow (an id, an updated_at).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DatabaseIncremental
{
    public string? Column { get; init; }
}
