using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.GraphQl;

/// <summary>
/// What the schema depends on, read cheaply: a new dataset raises the count and the highest id, and a run that adds
/// or widens columns commits them with the dataset's <c>UpdatedAt</c>, in one transaction. Any change means a new schema.
/// </summary>
internal sealed record CatalogFingerprint(int Datasets, int MaxDatasetId, DateTime? LastUpdate, int Columns)
{
    public static async Task<CatalogFingerprint> ReadAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        await using var catalog = warehouse.CreateCatalog();
        var datasets = await catalog.Datasets.AsNoTracking().IgnoreAutoIncludes()
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), MaxId = g.Max(d => d.Id), LastUpdate = g.Max(d => d.UpdatedAt) })
            .SingleOrDefaultAsync(cancellationToken);
        var columns = await catalog.Columns.CountAsync(cancellationToken);
        return new CatalogFingerprint(datasets?.Count ?? 0, datasets?.MaxId ?? 0, datasets?.LastUpdate, columns);
    }
}
