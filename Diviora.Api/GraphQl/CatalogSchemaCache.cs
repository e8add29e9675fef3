using Diviora.Core.Warehouse;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.GraphQl;

/// <summary>
/// The schema of the catalog as it is now: every request reads the <see cref="CatalogFingerprint"/> and gets the
/// cached schema while it matches; the first request after a change rebuilds it, once, while the others wait.
/// </summary>
internal sealed class CatalogSchemaCache(IWarehouse warehouse, CatalogSchemaBuilder builder) : IDisposable
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private volatile Snapshot? _current;

    public async Task<ISchema> GetAsync(CancellationToken cancellationToken)
    {
        var fingerprint = await CatalogFingerprint.ReadAsync(warehouse, cancellationToken);
        if (_current is { } current && current.Fingerprint == fingerprint)
        {
            return current.Schema;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            // Another request may have rebuilt it meanwhile; read again so the newest catalog wins.
            fingerprint = await CatalogFingerprint.ReadAsync(warehouse, cancellationToken);
            if (_current is { } rebuilt && rebuilt.Fingerprint == fingerprint)
            {
                return rebuilt.Schema;
            }

            await using var catalog = warehouse.CreateCatalog();
            // Read after the fingerprint: a change in between leaves a newer schema under an older fingerprint,
            // which the next request rebuilds, never the other way round.
            var datasets = await catalog.Datasets.AsNoTracking().OrderBy(d => d.Id).ToListAsync(cancellationToken);
            var schema = builder.Build(datasets);
            _current = new Snapshot(fingerprint, schema);
            return schema;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private sealed record Snapshot(CatalogFingerprint Fingerprint, ISchema Schema);
}
