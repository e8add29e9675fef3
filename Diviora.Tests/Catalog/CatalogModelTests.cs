using Diviora.Core.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Tests.Catalog;

[Trait("Category", "Unit")]
public sealed class CatalogModelTests
{
    public static TheoryData<string> Providers => ["sqlite", "postgres", "sqlserver"];

    /// <summary>A change to an entity or its configuration that needs a migration fails here, not at a database's start-up.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public void The_catalog_model_is_the_one_its_migrations_build(string provider)
    {
        using CatalogDbContext catalog = provider switch
        {
            "sqlite" => new SqliteCatalogDesignTimeFactory().CreateDbContext([]),
            "postgres" => new PostgresCatalogDesignTimeFactory().CreateDbContext([]),
            _ => new SqlServerCatalogDesignTimeFactory().CreateDbContext([]),
        };

        Assert.False(catalog.Database.HasPendingModelChanges());
    }
}
