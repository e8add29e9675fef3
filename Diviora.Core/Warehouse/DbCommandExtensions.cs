using System.Data.Common;

namespace Diviora.Core.Warehouse;

/// <summary>Provider-neutral helpers for commands: every value goes in as a parameter.</summary>
internal static class DbCommandExtensions
{
    /// <summary>Runs one statement on <paramref name="connection"/>, within <paramref name="transaction"/> when given.</summary>
    public static async Task ExecuteAsync(this DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds a parameter named <paramref name="name"/> holding <paramref name="value"/>, and returns it for reuse.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
