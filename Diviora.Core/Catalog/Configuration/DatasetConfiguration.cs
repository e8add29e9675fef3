using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Diviora.Core.Catalog.Configuration;

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> builder)
    {
        builder.ToTable("datasets");
        builder.Property(d => d.Name).HasMaxLength(63);
        builder.Property(d => d.NormalizedName).HasMaxLength(63);
        builder.Property(d => d.TableName).HasMaxLength(128);
        builder.Property(d => d.Settings).HasMaxLength(64 * 1024);
        builder.Property(d => d.SettingsUpdatedBy).HasMaxLength(RunStarters.MaxLength);
        builder.HasIndex(d => d.NormalizedName).IsUnique();
        builder.HasMany(d => d.Columns).WithOne().HasForeignKey(c => c.DatasetId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(d => d.Columns).AutoInclude();
    }
}
