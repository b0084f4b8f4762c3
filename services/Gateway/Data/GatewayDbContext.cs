using Microsoft.EntityFrameworkCore;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Data;

/// <summary>The gateway's own read model: corpora, their shards, dedup requests, dataset versions, dataset requests and
/// every service's jobs, training jobs and their loss curves, projected from platform events.</summary>
public class GatewayDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "gateway";

    public DbSet<CorpusView> Corpora => Set<CorpusView>();
    public DbSet<CorpusShardView> Shards => Set<CorpusShardView>();
    public DbSet<CorpusSignalShardView> SignalShards => Set<CorpusSignalShardView>();
    public DbSet<DedupView> Dedups => Set<DedupView>();
    public DbSet<DatasetVersionView> DatasetVersions => Set<DatasetVersionView>();
    public DbSet<DatasetRequestView> DatasetRequests => Set<DatasetRequestView>();
    public DbSet<JobView> Jobs => Set<JobView>();
    public DbSet<TrainingJobView> TrainingJobs => Set<TrainingJobView>();
    public DbSet<TrainingPointView> TrainingPoints => Set<TrainingPointView>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        if (Database.IsNpgsql()) model.HasDefaultSchema(Schema);
        model.Entity<CorpusView>(e =>
        {
            e.ToTable("corpora");
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.Name);
            e.HasIndex(c => c.CreatedAt);
            e.Property(c => c.Name).HasMaxLength(64);
            e.Property(c => c.Stage).HasMaxLength(16);
            e.Property(c => c.Error).HasMaxLength(4000);
            e.Property(c => c.FailedStep).HasMaxLength(128);
            e.Property(c => c.Fingerprint).HasMaxLength(64);
        });
        // No foreign key: a shard event may arrive before any event that names its corpus.
        model.Entity<CorpusShardView>(e =>
        {
            e.ToTable("corpus_shards");
            e.HasKey(s => new { s.CorpusId, s.Shard });
            e.Property(s => s.Key).HasMaxLength(1024);
        });
        // No foreign key either: signals may be announced before the gateway hears of the corpus.
        model.Entity<CorpusSignalShardView>(e =>
        {
            e.ToTable("corpus_signal_shards");
            e.HasKey(s => new { s.CorpusId, s.Config, s.Shard });
            e.Property(s => s.Config).HasMaxLength(32);
            e.Property(s => s.State).HasMaxLength(16);
            e.Property(s => s.FailedStep).HasMaxLength(SignalsProjection.MaxStepLength);
            e.Property(s => s.Error).HasMaxLength(SignalsProjection.MaxErrorLength);
        });
        model.Entity<DedupView>(e =>
        {
            e.ToTable("dedups");
            e.HasKey(d => new { d.CorpusId, d.Config });
            e.Property(d => d.Config).HasMaxLength(128);
            e.Property(d => d.Corpus).HasMaxLength(64);
            e.Property(d => d.Stage).HasMaxLength(16);
            e.Property(d => d.ClustersKey).HasMaxLength(1024);
            e.Property(d => d.ClustersSha256).HasMaxLength(64);
            e.Property(d => d.Error).HasMaxLength(4000);
            e.Property(d => d.FailedStep).HasMaxLength(128);
        });
        model.Entity<DatasetVersionView>(e =>
        {
            e.ToTable("dataset_versions");
            e.HasKey(v => new { v.Dataset, v.Version });
            e.Property(v => v.Dataset).HasMaxLength(64);
            e.Property(v => v.Version).HasMaxLength(32);
            e.Property(v => v.Stage).HasMaxLength(16);
            e.Property(v => v.ManifestKey).HasMaxLength(1024);
            e.Property(v => v.ManifestSha256).HasMaxLength(64);
            e.Property(v => v.Error).HasMaxLength(4000);
        });
        model.Entity<DatasetRequestView>(e =>
        {
            e.ToTable("dataset_requests");
            e.HasKey(r => r.Id);
            e.Property(r => r.Dataset).HasMaxLength(64);
            e.Property(r => r.Kind).HasMaxLength(16);
            e.Property(r => r.Stage).HasMaxLength(16);
            e.Property(r => r.Version).HasMaxLength(32);
            e.Property(r => r.ManifestKey).HasMaxLength(1024);
            e.Property(r => r.ManifestSha256).HasMaxLength(64);
            e.Property(r => r.Error).HasMaxLength(4000);
        });
        // Listed newest first, and found by the request that asked for the job.
        model.Entity<JobView>(e =>
        {
            e.ToTable("jobs");
            e.HasKey(j => new { j.Service, j.Job });
            e.HasIndex(j => j.UpdatedAt);
            e.HasIndex(j => j.RequestId);
            e.Property(j => j.Service).HasMaxLength(16);
            e.Property(j => j.Job).HasMaxLength(256);
            e.Property(j => j.State).HasMaxLength(16);
            e.Property(j => j.Step).HasMaxLength(JobProjection.MaxStepLength);
            e.Property(j => j.WaitingFor).HasMaxLength(JobProjection.MaxWaitingForLength);
        });
        // Listed newest first; a refusal before the job had an id finds it by its request.
        model.Entity<TrainingJobView>(e =>
        {
            e.ToTable("training_jobs");
            e.HasKey(j => j.JobId);
            e.HasIndex(j => j.CreatedAt);
            e.HasIndex(j => j.RequestId);
            e.Property(j => j.JobId).HasMaxLength(32);
            e.Property(j => j.Status).HasMaxLength(16);
            e.Property(j => j.Kind).HasMaxLength(16);
            e.Property(j => j.ModelName).HasMaxLength(128);
            e.Property(j => j.FailedStep).HasMaxLength(TrainingProjection.MaxStepLength);
            e.Property(j => j.Error).HasMaxLength(TrainingProjection.MaxErrorLength);
            e.Property(j => j.Checkpoint).HasMaxLength(TrainingProjection.MaxKeyLength);
            e.Property(j => j.ModelFolder).HasMaxLength(TrainingProjection.MaxKeyLength);
            e.Property(j => j.WeightsKey).HasMaxLength(TrainingProjection.MaxKeyLength);
            e.Property(j => j.WeightsSha256).HasMaxLength(64);
            e.Property(j => j.LineageKey).HasMaxLength(TrainingProjection.MaxKeyLength);
            e.Property(j => j.LineageSha256).HasMaxLength(64);
            e.Property(j => j.Tokenizer).HasMaxLength(32);
        });
        // No foreign key: a progress event may arrive before any event that names its job.
        model.Entity<TrainingPointView>(e =>
        {
            e.ToTable("training_points");
            e.HasKey(p => new { p.JobId, p.Step });
            e.Property(p => p.JobId).HasMaxLength(32);
        });
    }
}
