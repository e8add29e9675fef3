using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Diviora.Core.Catalog;

namespace Diviora.Core.Warehouse;

/// <summary>The indexes a dataset's settings declare (<c>"indexes": [["country"], ["created_at"]]</c>).</summary>
public static class DatasetIndexes
{
    /// <summary>The first declared index that names a column the dataset does not have, or null.</summary>
    public static string? Unknown(Dataset dataset, DatasetSettings settings) =>
        (settings.Indexes ?? []).SelectMany(i => i).FirstOrDefault(name => dataset.Columns.Count > 0 && dataset.Columns.All(c => c.Name != name));

    /// <summary>
    /// Builds each declared index whose columns the dataset has, if it does not exist yet, under a name derived from
    /// its columns. Indexes over columns a later run brings are built by that run.
    /// </summary>
    public static async Task CreateAsync(
        IWarehouse warehouse, DbConnection connection, DbTransaction? transaction, Dataset dataset, DatasetSettings settings, CancellationToken cancellationToken)
    {
        var built = 0;
        foreach (var declared in settings.Indexes ?? [])
        {
            var columns = declared.Select(name => dataset.Columns.FirstOrDefault(c => c.Name == name)).ToList();
            if (columns.Any(c => c is null))
            {
                continue;
            }

            await connection.ExecuteAsync(transaction, warehouse.Dialect.CreateIndex(dataset.TableName, NameOf(dataset, columns!), columns!), cancellationToken);
            built++;
        }

        if (built > 0)
        {
            // With statistics the planner knows a filter on country keeps a tenth of the rows, and orders by the index instead.
            await connection.ExecuteAsync(transaction, warehouse.Dialect.Analyze(dataset.TableName), cancellationToken);
        }
    }

    /// <summary>A stable index name: the table and a short hash of the indexed physical names.</summary>
    public static string NameOf(Dataset dataset, IReadOnlyList<DatasetColumn> columns)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", columns.Select(c => c.PhysicalName))));
        return SqlIdentifier.Checked($"{dataset.TableName}__ix_{Convert.ToHexStringLower(hash, 0, 6)}");
    }
}
