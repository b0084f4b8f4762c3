using Prometheus;

namespace Refinery.Signals.Pipeline;

/// <summary>Prometheus metrics of this process's signal work, served on /metrics.</summary>
internal static class SignalsMetrics
{
    public static readonly Counter Documents = Metrics.CreateCounter("refinery_signals_documents_total",
        "Documents read by the signals service, by outcome (computed, quarantined)", "outcome");

    public static readonly Counter.Child Computed = Documents.WithLabels("computed");
    public static readonly Counter.Child Quarantined = Documents.WithLabels("quarantined");

    public static readonly Counter Shards = Metrics.CreateCounter("refinery_signals_shards_total",
        "Signal shards handled, by outcome (computed, or reused from an earlier run)", "outcome");

    public static readonly Histogram ComputeSeconds = Metrics.CreateHistogram("refinery_signals_shard_compute_seconds",
        "Wall time to read, compute and store the signals of one shard",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 14) });
}
