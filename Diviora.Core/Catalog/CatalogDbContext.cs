using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Catalog;

/// <summary>
/// The catalog: datasets, their columns, the runs that load them and the sources that feed them. Each warehouse has its own subclass, so each
/// provider keeps its own migrations (<c>Catalog/Migrations/{Provider}</c>).
/// </summary>
public abstract class CatalogDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Dataset> Datasets => Set<Dataset>();

    public DbSet<DatasetColumn> Columns => Set<DatasetColumn>();

    public DbSet<Run> Runs => Set<Run>();

    public DbSet<SchemaChange> SchemaChanges => Set<SchemaChange>();

    public DbSet<Source> Sources => Set<Source>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CatalogDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp in the catalog is UTC; SQLite hands them back without a kind.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}

/// <summary>The catalog in the embedded SQLite warehouse.</summary>
public sealed class SqliteCatalogDbContext(DbContextOptions<SqliteCatalogDbContext> options) : CatalogDbContext(options);

/// <summary>The catalog in a PostgreSQL warehouse.</summary>
public sealed class PostgresCatalogDbContext(DbContextOptions<PostgresCatalogDbContext> options) : CatalogDbContext(options);

/// <summary>The catalog in an Azure SQL or SQL Server warehouse.</summary>
public sealed class SqlServerCatalogDbContext(DbContextOptions<SqlServerCatalogDbContext> options) : CatalogDbContext(options);
