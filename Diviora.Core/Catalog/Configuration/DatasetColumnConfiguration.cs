using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Diviora.Core.Catalog.Configuration;

internal sealed class DatasetColumnConfiguration : IEntityTypeConfiguration<DatasetColumn>
{
    public void Configure(EntityTypeBuilder<DatasetColumn> builder)
    {
        builder.ToTable("dataset_columns");
        builder.Property(c => c.Name).HasMaxLength(1024);
        builder.Property(c => c.PhysicalName).HasMaxLength(128);
        builder.Property(c => c.Type).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.DateOrder).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(c => new { c.DatasetId, c.Ordinal }).IsUnique();
        builder.HasIndex(c => new { c.DatasetId, c.PhysicalName }).IsUnique();
    }
}
