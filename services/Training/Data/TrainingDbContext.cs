using Microsoft.EntityFrameworkCore;
using Refinery.Hosting.Jobs;
using Refinery.Training.Domain;

namespace Refinery.Training.Data;

/// <summary>The training jobs, and the requests waiting for their dataset versions.</summary>
public class TrainingDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "training";

    public DbSet<TrainingJob> Jobs => Set<TrainingJob>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(Schema);
        model.Entity<TrainingJob>(e =>
        {
            e.ToTable("jobs");
            e.HasKey(j => j.Id);
            e.Property(j => j.Id).HasMaxLength(12);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.FailedStep).HasMaxLength(64);
            e.Property(j => j.LastFailedStep).HasMaxLength(64);
            e.Property(j => j.Checkpoint).HasMaxLength(256);
            e.HasIndex(j => new { j.Status, j.UpdatedAt });
        });
        model.AddJobWaits();
    }
}
