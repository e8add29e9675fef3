using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Diviora.Core.Catalog.Configuration;

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        builder.ToTable("runs");
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.FileName).HasMaxLength(1024);
        builder.Property(r => r.BlobName).HasMaxLength(1024);
        builder.Property(r => r.Error).HasMaxLength(Run.MaxErrorLength);
        builder.Property(r => r.Options).HasMaxLength(2000);
        builder.Property(r => r.Format).HasMaxLength(200);
        builder.Property(r => r.RejectsBlob).HasMaxLength(1024);
        builder.Property(r => r.SourceName).HasMaxLength(63);
        builder.Property(r => r.Mapping).HasMaxLength(64 * 1024);
        builder.Property(r => r.Cursor).HasMaxLength(1000);
        builder.Property(r => r.StartedBy).HasMaxLength(RunStarters.MaxLength);
        builder.Property(r => r.MessageId).HasMaxLength(Run.MaxMessageIdLength);
        builder.Property(r => r.Notes).HasMaxLength(Run.MaxNotesLength);
        // Every change to a run is conditional on what its writer read: two workers starting one run, or a sweep and a
        // worker, cannot both win; the loser's SaveChanges finds no row and throws DbUpdateConcurrencyException.
        builder.Property(r => r.Status).IsConcurrencyToken();
        builder.Property(r => r.Attempts).IsConcurrencyToken();
        builder.Property(r => r.QueuedAt).IsConcurrencyToken();
        builder.HasOne(r => r.Dataset).WithMany().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.CreatedAt);
        builder.HasIndex(r => new { r.DatasetId, r.CreatedAt });
        // The dashboard asks every second for what ended lately, the latest failures and the backlog.
        builder.HasIndex(r => r.FinishedAt);
        builder.HasIndex(r => new { r.Status, r.FinishedAt });
        // A source's runs: its last run, and whether one is still queued or running.
        builder.HasIndex(r => new { r.SourceId, r.CreatedAt });
    }
}
