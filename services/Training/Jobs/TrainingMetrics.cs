using Prometheus;

namespace Refinery.Training.Jobs;

/// <summary>Prometheus figures of this process's training work, served on /metrics.</summary>
internal static class TrainingMetrics
{
    public static readonly Counter Steps = Metrics.CreateCounter("refinery_training_steps_total", "Optimizer steps taken (reported at each curve point)");

    public static readonly Counter Tokens = Metrics.CreateCounter("refinery_training_tokens_total", "Training tokens consumed");

    public static readonly Gauge Loss = Metrics.CreateGauge("refinery_training_loss", "Latest training loss of a running job, in nats per token", "job");

    public static readonly Gauge TokensPerSecond = Metrics.CreateGauge("refinery_training_tokens_per_second", "Latest throughput of a running job", "job");

    public static readonly Counter Jobs = Metrics.CreateCounter("refinery_training_jobs_total", "Training jobs ended in this process, by outcome", "outcome");
}
