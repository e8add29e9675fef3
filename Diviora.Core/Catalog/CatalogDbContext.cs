using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Catalog;

/// <summary>The catalog: datasets, their columns and the runs that load them.</summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Dataset> Datasets => Set<Dataset>();

    public DbSet<DatasetColumn> Columns => Set<DatasetColumn>();

    public DbSet<Run> Runs => Set<Run>();

    public DbSet<SchemaChange> SchemaChanges => Set<SchemaChange>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CatalogDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp in the catalog is UTC; SQLite hands them back without a kind.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
