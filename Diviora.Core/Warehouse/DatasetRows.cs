using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Warehouse;

/// <summary>Reads a dataset's rows back from the warehouse, typed by the catalog's columns.</summary>
public sealed class DatasetRows(IWarehouse warehouse)
{
    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Rows <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/> in load order.</summary>
    public async Task<RowsPage> ReadPageAsync(Dataset dataset, long offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);

        var columns = dataset.Columns.OrderBy(c => c.Ordinal).ToList();
        if (columns.Count == 0)
        {
            return new RowsPage(dataset.RowCount, []);
        }

        await using var connection = await warehouse.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = warehouse.Dialect.SelectPage(dataset.TableName, columns);
        command.AddParameter("@offset", offset);
        command.AddParameter("@limit", limit);

        var rows = new List<OrderedDictionary<string, object?>>(Math.Min(limit, 256));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new OrderedDictionary<string, object?>(columns.Count, StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                row.Add(columns[i].Name, ColumnValues.FromStored(columns[i].Type, reader.GetValue(i)));
            }

            rows.Add(row);
        }

        return new RowsPage(dataset.RowCount, rows);
    }
}
