using System.Data.Common;
using Diviora.Core.Catalog;

namespace Diviora.Core.Ingestion;

/// <summary>
/// A run's open final transaction, with the run (and its dataset) tracked by <see cref="Catalog"/>: everything the run
/// changes commits here together, or not at all.
/// </summary>
/// <param name="Context">The run attempt.</param>
/// <param name="Transaction">The transaction on the attempt's connection.</param>
/// <param name="Catalog">The catalog, enlisted in the transaction.</param>
/// <param name="Run">The run, tracked, as it is now.</param>
/// <param name="CreatesTable">True when this run creates the dataset's table.</param>
internal sealed record FinalTransaction(RunContext Context, DbTransaction Transaction, CatalogDbContext Catalog, Run Run, bool CreatesTable)
    : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Catalog.DisposeAsync();
        await Transaction.DisposeAsync();
    }
}
