using System.Data.Common;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Ingestion;

/// <summary>Carries out a schema plan inside the final transaction: in the catalog and in the warehouse, together.</summary>
internal sealed class SchemaApply(IWarehouse warehouse)
{
    /// <summary>Creates the table, adds columns and widens types as planned.</summary>
    public async Task ApplyAsync(DbConnection connection, DbTransaction transaction, Dataset dataset, SchemaPlan plan, CancellationToken cancellationToken)
    {
        var dialect = warehouse.Dialect;
        if (dataset.Columns.Count == 0)
        {
            dataset.Columns.AddRange(plan.Columns);
            await connection.ExecuteAsync(transaction, dialect.CreateTable(dataset.TableName, plan.Columns), cancellationToken);
            return;
        }

        foreach (var change in plan.Changes)
        {
            var column = change.Column;
            switch (change.Kind)
            {
                case "added":
                    dataset.Columns.Add(column);
                    await connection.ExecuteAsync(transaction, dialect.AddColumn(dataset.TableName, column), cancellationToken);
                    break;
                case "widened":
                    await DropIndexesOnAsync(connection, transaction, dataset.TableName, column, cancellationToken);
                    foreach (var statement in dialect.WidenColumn(dataset.TableName, column, change.WidenedFrom!.Value))
                    {
                        await connection.ExecuteAsync(transaction, statement, cancellationToken);
                    }

                    break;
            }
        }

        foreach (var column in dataset.Columns)
        {
            var after = plan.Columns.Single(c => c.PhysicalName == column.PhysicalName);
            (column.Type, column.Nullable, column.DateOrder, column.Precision, column.Scale) = (after.Type, after.Nullable, after.DateOrder, after.Precision, after.Scale);
        }
    }

    /// <summary>True when <paramref name="current"/> is still the schema <paramref name="planned"/> was read as.</summary>
    public static bool Unchanged(List<DatasetColumn> current, List<DatasetColumn> planned) =>
        current.Count == planned.Count &&
        current.OrderBy(c => c.Ordinal).Zip(planned)
            .All(p => p.First.PhysicalName == p.Second.PhysicalName && p.First.Type == p.Second.Type && p.First.DateOrder == p.Second.DateOrder);

    /// <summary>
    /// Drops the indexes over a column about to be widened, where the warehouse cannot widen an indexed column; the
    /// dataset's key and declared indexes are built again later in the same transaction.
    /// </summary>
    private async Task DropIndexesOnAsync(DbConnection connection, DbTransaction transaction, string table, DatasetColumn column, CancellationToken cancellationToken)
    {
        if (warehouse.Dialect.IndexesOnColumn is not { } query)
        {
            return;
        }

        var indexes = new List<string>();
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = query;
            find.AddParameter("@table", table);
            find.AddParameter("@column", warehouse.Dialect.Quote(column.PhysicalName));
            await using var names = await find.ExecuteReaderAsync(cancellationToken);
            while (await names.ReadAsync(cancellationToken))
            {
                indexes.Add(names.GetString(0));
            }
        }

        foreach (var index in indexes)
        {
            await connection.ExecuteAsync(transaction, warehouse.Dialect.DropIndex(table, index), cancellationToken);
        }
    }
}
