using System.Globalization;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Ingestion;

/// <summary>
/// For an append with a key: the first row of a key wins. Staged rows whose key is already loaded, or repeats an
/// earlier row of the file, move from staging to the rejects. Upserts let the last win instead, in the commit.
/// </summary>
internal sealed class DuplicateKeys(IWarehouse warehouse)
{
    /// <returns>How many rows were moved.</returns>
    public async Task<long> RejectAsync(RunContext context, SchemaPlan plan, string staging, RejectsWriter rejects)
    {
        var (connection, cancellationToken) = (context.Connection, context.Cancellation);
        var key = context.Settings.Key!.Select(k => plan.Columns.Single(c => c.Name == k)).ToList();
        var duplicates = new List<(long RowId, long SourceRow, string Key)>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = warehouse.Dialect.SelectDuplicateKeys(staging, context.Table, key, tableExists: context.Existing.Count > 0);
            await using var found = await select.ExecuteReaderAsync(cancellationToken);
            while (await found.ReadAsync(cancellationToken))
            {
                var values = Enumerable.Range(0, key.Count).Select(k => Convert.ToString(found.GetValue(2 + k), CultureInfo.InvariantCulture));
                duplicates.Add((found.GetInt64(0), found.GetInt64(1), string.Join(", ", values)));
            }
        }

        var keyNames = string.Join(", ", key.Select(k => k.Name));
        await using var delete = connection.CreateCommand();
        delete.CommandText = warehouse.Dialect.DeleteStagedRow(staging);
        var row = delete.AddParameter("@row", 0L);
        foreach (var duplicate in duplicates)
        {
            row.Value = duplicate.RowId;
            await delete.ExecuteNonQueryAsync(cancellationToken);
            await rejects.AddAsync(duplicate.SourceRow, keyNames, duplicate.Key.AsMemory(),
                $"duplicate key: {keyNames} '{RunFields.Shorten(duplicate.Key)}' is already loaded or appears earlier in the file.", cancellationToken);
        }

        return duplicates.Count;
    }
}
