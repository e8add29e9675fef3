using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient, with <c>ApplicationIntent=ReadOnly</c> (an availability group routes the
/// session to a readable secondary) and a transaction that is rolled back at the end, so a query that manages to write
/// (<c>select ... into</c>) leaves nothing behind. Neither stops a write on a plain server: the login's rights do.
/// </summary>
internal sealed class SqlServerProvider : DatabaseProvider
{
    public static readonly SqlServerProvider Instance = new();

    public override string Name => "SQL Server";

    public override (string ConnectionString, string? Password) Prepare(string connectionString, DatabaseFetchOptions options)
    {
        var builder = new SqlConnectionStringBuilder(connectionString)
        {
            ApplicationIntent = ApplicationIntent.ReadOnly,
            ConnectTimeout = Seconds(options.ConnectTimeout),
            CommandTimeout = Seconds(options.CommandTimeout),
        };
        return (builder.ConnectionString, builder.Password.Length > 0 ? builder.Password : null);
    }

    public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    public override async Task<DbTransaction?> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    public override string Quote(string name) => "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
}
