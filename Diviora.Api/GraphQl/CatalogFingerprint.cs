using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.GraphQl;

/// <summary>
/// What the schema depends on, read cheaply: a new dataset raises the count and the highest id, a first load adds
/// columns, and a later run that adds or widens columns records a schema change, all in the run's transaction. Runs
/// that only add rows change none of these, so they do not rebuild the schema.
/// </summary>
internal sealed record CatalogFingerprint(int Datasets, int MaxDatasetId, long LastSchemaChange, int Columns)
{
    public static async Task<CatalogFingerprint> ReadAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        await using var catalog = warehouse.CreateCatalog();
        var datasets = await catalog.Datasets.AsNoTracking().IgnoreAutoIncludes()
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), MaxId = g.Max(d => d.Id) })
            .SingleOrDefaultAsync(cancellationToken);
        var columns = await catalog.Columns.CountAsync(cancellationToken);
        var lastChange = await catalog.SchemaChanges.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
        return new CatalogFingerprint(datasets?.Count ?? 0, datasets?.MaxId ?? 0, lastChange, columns);
    }
}
