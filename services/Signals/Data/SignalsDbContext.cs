using Microsoft.EntityFrameworkCore;
using Refinery.Signals.Domain;

namespace Refinery.Signals.Data;

/// <summary>The signals catalog: one row per computed signal shard.</summary>
public class SignalsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "signals";

    public DbSet<SignalShard> Shards => Set<SignalShard>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(Schema);
        model.Entity<SignalShard>(e =>
        {
            e.ToTable("shards");
            e.HasKey(s => new { s.CorpusId, s.Shard, s.Config });
            e.Property(s => s.Config).HasMaxLength(32);
            e.Property(s => s.Corpus).HasMaxLength(64);
            e.Property(s => s.Sha256).HasMaxLength(64);
            e.Property(s => s.DocumentsSha256).HasMaxLength(64);
        });
    }
}
