using Diviora.Core.Warehouse;
using Microsoft.Extensions.Hosting;

namespace Diviora.Core.Catalog;

/// <summary>Brings the catalog schema up to date before the host serves requests or takes messages.</summary>
internal sealed class CatalogMigration(IWarehouse warehouse) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => warehouse.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
