using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;

namespace Refinery.Dedup.Data;

/// <summary>Dedup jobs with their hashed shards and linked partitions, and the persistent exact index's partitions, and the requests waiting for signals.</summary>
public class DedupDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "dedup";

    public DbSet<DedupJob> Jobs => Set<DedupJob>();
    public DbSet<DedupShard> Shards => Set<DedupShard>();
    public DbSet<DedupPartition> Partitions => Set<DedupPartition>();
    public DbSet<ExactIndexPartition> IndexPartitions => Set<ExactIndexPartition>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(Schema);
        model.Entity<DedupJob>(e =>
        {
            e.ToTable("jobs");
            e.HasKey(j => j.Id);
            e.Property(j => j.Corpus).HasMaxLength(64);
            e.Property(j => j.Config).HasMaxLength(128);
            e.Property(j => j.Exact).HasOptionValueConversion().HasMaxLength(8);
            e.Property(j => j.ExactKey).HasOptionValueConversion().HasMaxLength(16);
            // The policy's text form ("max:SIGNAL"), what the column held when it was a string: no migration.
            e.Property(j => j.Keep).HasConversion(keep => keep.ToString(), text => KeepPolicy.Parse(text)).HasMaxLength(80);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.ClustersSha256).HasMaxLength(64);
        });
        model.Entity<DedupShard>(e =>
        {
            e.ToTable("shards");
            e.HasKey(s => new { s.JobId, s.Shard });
            e.Property(s => s.Sha256).HasMaxLength(64);
            e.Property(s => s.ShinglesSha256).HasMaxLength(64);
        });
        model.Entity<DedupPartition>(e =>
        {
            e.ToTable("partitions");
            e.HasKey(p => new { p.JobId, p.Partition });
            e.Property(p => p.Sha256).HasMaxLength(64);
        });
        model.Entity<ExactIndexPartition>(e =>
        {
            e.ToTable("exact_index");
            e.HasKey(p => new { p.Kind, p.Partition });
            e.Property(p => p.Kind).HasMaxLength(16);
            e.Property(p => p.Sha256).HasMaxLength(64);
        });
        model.AddJobWaits();
    }
}
