using System.Text;
using Azure.Storage.Blobs;
using Diviora.Core;
using Diviora.Core.Sources;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diviora.Tests.Sources;

/// <summary>How <see cref="SourcePayloads"/> picks a source's <see cref="ISourceFetcher"/> by kind, and which fetchers the engine registers.</summary>
[Trait("Category", "Unit")]
public sealed class SourceFetcherTests
{
    private static readonly SourceDefinition Database = SourceDefinition.TryRead("""
        {"name":"erp-orders","kind":"database","dataset":"orders",
         "database":{"provider":"postgres","connection":"secret:erp-db","query":"select * from orders"}}
        """, out _)!;

    private static readonly SourceDefinition Rest = SourceDefinition.TryRead("""
        {"name":"crm-customers","kind":"rest","dataset":"customers","rest":{"url":"https://crm.example.com/api/customers"}}
        """, out _)!;

    [Fact]
    public async Task A_kind_without_a_fetcher_is_refused_with_the_source_and_the_kind()
    {
        var payloads = Payloads([new LinesFetcher(SourceKinds.Rest)]);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => payloads.PreviewAsync(Database, null, CancellationToken.None));

        Assert.Equal(
            "Fetching source 'erp-orders' failed: no fetcher pulls sources of kind 'database'; the kinds that can be fetched are rest.",
            error.Message);
    }

    [Fact]
    public async Task A_preview_uses_the_fetcher_of_the_source_s_kind()
    {
        var payloads = Payloads([new LinesFetcher(SourceKinds.Database), new LinesFetcher(SourceKinds.Rest)]);

        var records = await payloads.PreviewAsync(Rest, null, CancellationToken.None);

        Assert.Equal(SourceKinds.Rest, Assert.Single(records)["from"]!.GetValue<string>());
    }

    [Fact]
    public void Every_registered_fetcher_pulls_a_known_kind_and_each_kind_has_one_at_most()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:warehouse"] = $"Data Source={Path.Combine(Path.GetTempPath(), "diviora-fetchers.db")}";
        // Registered as the hosts do; nothing here connects to it.
        builder.Services.AddSingleton(new BlobServiceClient("UseDevelopmentStorage=true"));
        builder.AddDivioraCore();
        using var host = builder.Build();

        var kinds = host.Services.GetServices<ISourceFetcher>().Select(f => f.Kind).ToList();

        Assert.NotEmpty(kinds);
        Assert.All(kinds, kind => Assert.Contains(kind, SourceKinds.All));
        Assert.Equal(kinds.Count, kinds.Distinct(StringComparer.Ordinal).Count());
    }

    // A preview reads neither the catalog nor stored blobs: clients that are never called are enough.
    private static SourcePayloads Payloads(IEnumerable<ISourceFetcher> fetchers)
    {
        var blobs = new BlobServiceClient("UseDevelopmentStorage=true");
        return new SourcePayloads(Warehouses.FromConnectionString("Data Source=:memory:"), new RawStore(blobs), new IncomingStore(blobs), fetchers, []);
    }

    /// <summary>Writes one record naming its kind.</summary>
    private sealed class LinesFetcher(string kind) : ISourceFetcher
    {
        public string Kind => kind;

        public async Task<SourceFetchResult> FetchAsync(SourceFetchRequest request, Stream output, CancellationToken cancellationToken)
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes($$"""{"from":"{{kind}}"}""" + "\n"), cancellationToken);
            return new SourceFetchResult(1, null);
        }
    }
}
