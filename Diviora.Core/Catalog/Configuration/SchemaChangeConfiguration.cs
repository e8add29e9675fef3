using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Diviora.Core.Catalog.Configuration;

internal sealed class SchemaChangeConfiguration : IEntityTypeConfiguration<SchemaChange>
{
    public void Configure(EntityTypeBuilder<SchemaChange> builder)
    {
        builder.ToTable("schema_changes");
        builder.Property(c => c.Kind).HasMaxLength(16);
        builder.Property(c => c.Column).HasMaxLength(1024);
        builder.Property(c => c.Description).HasMaxLength(1024);
        builder.HasOne<Dataset>().WithMany().HasForeignKey(c => c.DatasetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.DatasetId, c.Id });
    }
}
