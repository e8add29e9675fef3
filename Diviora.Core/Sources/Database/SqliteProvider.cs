using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Diviora.Core.Sources.Database;

/// <summary>SQLite through Microsoft.Data.Sqlite: the file is opened with <c>Mode=ReadOnly</c>, so nothing can write to it.</summary>
internal sealed class SqliteProvider : DatabaseProvider
{
    public static readonly SqliteProvider Instance = new();

    public override string Name => "SQLite";

    /// <summary>SQLite keeps a type per value: a column can hold integers on one row and text on the next.</summary>
    public override bool TypesPerValue => true;

    public override (string ConnectionString, string? Password) Prepare(string connectionString, DatabaseFetchOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            // Also keeps a mistyped path from creating an empty database.
            Mode = SqliteOpenMode.ReadOnly,
            DefaultTimeout = Seconds(options.CommandTimeout),
        };
        return (builder.ConnectionString, builder.Password.Length > 0 ? builder.Password : null);
    }

    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    public override IReadOnlyList<(string Host, int Port)> Servers(string connectionString) => [(LocalFile, 0)];

    public override Task<DbTransaction?> BeginAsync(DbConnection connection, CancellationToken cancellationToken) => Task.FromResult<DbTransaction?>(null);

    public override string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
