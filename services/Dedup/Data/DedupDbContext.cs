using Microsoft.EntityFrameworkCore;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Dedup.Data;

/// <summary>Dedup jobs and their linked partitions.</summary>
public sealed class DedupDbContext(DbContextOptions<DedupDbContext> options, DbSchema<DedupDbContext>? schema = null)
    : DbContext(options)
{
    public const string Schema = "dedup";

    public DbSet<DedupJob> Jobs => Set<DedupJob>();
    public DbSet<DedupPartition> Partitions => Set<DedupPartition>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(schema?.Name ?? Schema);
        model.Entity<DedupJob>(e =>
        {
            e.ToTable("jobs");
            e.HasKey(j => j.Id);
            e.Property(j => j.Corpus).HasMaxLength(64);
            e.Property(j => j.Config).HasMaxLength(48);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.ClustersSha256).HasMaxLength(64);
        });
        model.Entity<DedupPartition>(e =>
        {
            e.ToTable("partitions");
            e.HasKey(p => new { p.JobId, p.Partition });
            e.Property(p => p.Sha256).HasMaxLength(64);
        });
    }
}
