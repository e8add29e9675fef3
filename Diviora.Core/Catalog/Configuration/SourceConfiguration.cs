using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Diviora.Core.Catalog.Configuration;

internal sealed class SourceConfiguration : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> builder)
    {
        builder.ToTable("sources");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(63);
        builder.Property(s => s.NormalizedName).HasMaxLength(63);
        builder.Property(s => s.Kind).HasMaxLength(16);
        builder.Property(s => s.DatasetName).HasMaxLength(63);
        builder.Property(s => s.Schedule).HasMaxLength(200);
        builder.Property(s => s.TimeZone).HasMaxLength(100);
        builder.Property(s => s.Mapping).HasMaxLength(64 * 1024);
        builder.Property(s => s.Settings).HasMaxLength(64 * 1024);
        builder.Property(s => s.Cursor).HasMaxLength(1000);
        builder.Property(s => s.CreatedBy).HasMaxLength(RunStarters.MaxLength);
        builder.Property(s => s.UpdatedBy).HasMaxLength(RunStarters.MaxLength);
        builder.HasIndex(s => s.NormalizedName).IsUnique();
        // The scheduler asks which enabled sources are due.
        builder.HasIndex(s => new { s.Enabled, s.NextRunAt });
    }
}
