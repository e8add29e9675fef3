using Diviora.Core.Catalog;
using Diviora.Core.Sources;
using Diviora.Core.Warehouse;
using Diviora.Core.Warehouse.Postgres;
using Diviora.Core.Warehouse.Sqlite;
using Diviora.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Tests.Sources;

/// <summary>The sources table on each warehouse's catalog, migrated as at start-up: every field back as written, names unique ignoring case.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SourceCatalogTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "diviora-sources-" + Guid.NewGuid().ToString("N"));

    private async Task<IWarehouse> WarehouseAsync(string kind)
    {
        IWarehouse warehouse = kind == "sqlite"
            ? new SqliteWarehouse($"Data Source={Path.Combine(_directory, "catalog.db")}")
            : new PostgresWarehouse(await postgres.CreateDatabaseAsync("sources"));
        await warehouse.MigrateAsync(CancellationToken.None);
        return warehouse;
    }

    private static SourceDefinition Definition(string name) => SourceDefinition.TryRead("""
        {"name":"NAME","kind":"rest","dataset":"customers","schedule":"*/15 * * * *","timeZone":"Europe/Berlin",
         "mapping":{"columns":{"cust_id":"id"},"constants":{"region":"EU","weight":1.5,"active":true,"note":null}},
         "rest":{"url":"https://crm.example.com/api/customers","headers":{"Authorization":"secret:crm-token"},
                 "recordsPath":"$.data[*]","pagination":{"type":"offset","param":"offset","limitParam":"limit","size":100}}}
        """.Replace("NAME", name, StringComparison.Ordinal), out _)!;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_source_round_trips_through_the_catalog(string kind)
    {
        var warehouse = await WarehouseAsync(kind);
        var now = new DateTime(2026, 3, 29, 0, 52, 30, DateTimeKind.Utc);
        var written = Definition("CRM-Customers").ToSource(now);
        written.LastRunAt = now.AddMinutes(-7);
        await using (var catalog = warehouse.CreateCatalog())
        {
            catalog.Sources.Add(written);
            await catalog.SaveChangesAsync();
        }

        await using var reader = warehouse.CreateCatalog();
        var read = await reader.Sources.AsNoTracking().SingleAsync(s => s.NormalizedName == "crm-customers");

        Assert.Equal(written.Id, read.Id);
        Assert.Equal(("CRM-Customers", "rest", "customers", "*/15 * * * *", "Europe/Berlin", true),
            (read.Name, read.Kind, read.DatasetName, read.Schedule, read.TimeZone, read.Enabled));
        Assert.Equal(written.Mapping, read.Mapping);
        Assert.Equal(written.Settings, read.Settings);
        Assert.Equal((now, now, new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Utc), now.AddMinutes(-7)),
            (read.CreatedAt, read.UpdatedAt, read.NextRunAt!.Value, read.LastRunAt!.Value));
        Assert.Equal(DateTimeKind.Utc, read.NextRunAt.Value.Kind);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(SourceDefinition.From(written), SourceDefinition.Json),
            System.Text.Json.JsonSerializer.Serialize(SourceDefinition.From(read), SourceDefinition.Json));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Two_sources_cannot_share_a_name_whatever_its_case(string kind)
    {
        var warehouse = await WarehouseAsync(kind);
        var now = DateTime.UtcNow;
        await using (var catalog = warehouse.CreateCatalog())
        {
            catalog.Sources.Add(Definition("orders").ToSource(now));
            await catalog.SaveChangesAsync();
        }

        await using var second = warehouse.CreateCatalog();
        second.Sources.Add(Definition("ORDERS").ToSource(now));

        await Assert.ThrowsAsync<DbUpdateException>(() => second.SaveChangesAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_manual_source_keeps_null_schedule_and_run_times(string kind)
    {
        var warehouse = await WarehouseAsync(kind);
        var manual = SourceDefinition.TryRead(
            """{"name":"drops","kind":"dropzone","dataset":"customers","enabled":false,"dropzone":{"prefix":"customers/"}}""", out _)!
            .ToSource(DateTime.UtcNow);
        await using (var catalog = warehouse.CreateCatalog())
        {
            catalog.Sources.Add(manual);
            await catalog.SaveChangesAsync();
        }

        await using var reader = warehouse.CreateCatalog();
        var read = await reader.Sources.AsNoTracking().SingleAsync();

        Assert.Equal((null, "UTC", false, null, null, null), (read.Schedule, read.TimeZone, read.Enabled, read.Mapping, read.NextRunAt, read.LastRunAt));
        Assert.Equal("""{"prefix":"customers/"}""", read.Settings);
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
