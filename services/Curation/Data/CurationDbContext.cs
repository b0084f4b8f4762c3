using Microsoft.EntityFrameworkCore;
using Refinery.Curation.Domain;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;

namespace Refinery.Curation.Data;

/// <summary>Dataset version jobs, their ranking rounds and their written parts, and the requests waiting for their inputs.</summary>
public class CurationDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "curation";

    public DbSet<DatasetJob> Jobs => Set<DatasetJob>();
    public DbSet<DatasetPart> Parts => Set<DatasetPart>();
    public DbSet<DatasetRanking> Rankings => Set<DatasetRanking>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(Schema);
        model.Entity<DatasetJob>(e =>
        {
            e.ToTable("versions");
            e.HasKey(j => j.Id);
            e.HasIndex(j => new { j.Dataset, j.Version }).IsUnique();
            e.Property(j => j.Dataset).HasMaxLength(64);
            e.Property(j => j.Version).HasMaxLength(32);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.RecipeName).HasMaxLength(256);
            e.Property(j => j.RecipeSha256).HasMaxLength(64);
            e.Property(j => j.Tokenizer).HasOptionValueConversion().HasMaxLength(16);
            e.Property(j => j.SignalsConfig).HasMaxLength(32);
            e.Property(j => j.ManifestSha256).HasMaxLength(64);
        });
        model.Entity<DatasetPart>(e =>
        {
            e.ToTable("parts");
            e.HasKey(p => new { p.JobId, p.Part });
        });
        model.Entity<DatasetRanking>(e =>
        {
            e.ToTable("rankings");
            e.HasKey(r => new { r.JobId, r.Round, r.Part });
        });
        model.AddJobWaits();
    }
}
