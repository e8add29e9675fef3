using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Diviora.Core.Catalog;

// Let `dotnet ef migrations add X --context <Provider>CatalogDbContext` build each provider's context without a host.

/// <summary>Design-time SQLite catalog.</summary>
internal sealed class SqliteCatalogDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCatalogDbContext>
{
    public SqliteCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCatalogDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Design-time PostgreSQL catalog (no server is contacted).</summary>
internal sealed class PostgresCatalogDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCatalogDbContext>
{
    public PostgresCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql("Host=127.0.0.1;Database=design_time").Options);
}

/// <summary>Design-time SQL Server catalog (no server is contacted).</summary>
internal sealed class SqlServerCatalogDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerCatalogDbContext>
{
    public SqlServerCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerCatalogDbContext>().UseSqlServer("Server=127.0.0.1;Database=design_time;TrustServerCertificate=true").Options);
}
