using System.Data.Common;

namespace Diviora.Core.Warehouse;

/// <summary>Provider-neutral helpers for commands: every value goes in as a parameter.</summary>
internal static class DbCommandExtensions
{
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
