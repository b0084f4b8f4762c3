using Microsoft.EntityFrameworkCore;
using Refinery.Ingestion.Domain;

namespace Refinery.Ingestion.Data;

/// <summary>The ingestion catalog: corpora (with their job state), shards and sources.</summary>
public class IngestionDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "ingestion";

    public DbSet<Corpus> Corpora => Set<Corpus>();
    public DbSet<CorpusShard> Shards => Set<CorpusShard>();
    public DbSet<CorpusSource> Sources => Set<CorpusSource>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(Schema);
        model.Entity<Corpus>(e =>
        {
            e.ToTable("corpora");
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.Name).IsUnique();
            e.Property(c => c.Name).HasMaxLength(64);
            e.Property(c => c.Stage).HasMaxLength(16);
            e.Property(c => c.LastFailedStep).HasMaxLength(64);
            e.HasIndex(c => new { c.Stage, c.UpdatedAt });
        });
        model.Entity<CorpusShard>(e =>
        {
            e.ToTable("shards");
            e.HasKey(s => new { s.CorpusId, s.Shard });
        });
        model.Entity<CorpusSource>(e =>
        {
            e.ToTable("sources");
            e.HasKey(s => new { s.CorpusId, s.Key });
        });
    }
}
