using Prometheus;

namespace Refinery.Ingestion.Pipeline;

/// <summary>Prometheus counters of this process's ingestion work, served on /metrics.</summary>
internal static class IngestionMetrics
{
    public static readonly Counter Documents = Metrics.CreateCounter("refinery_ingestion_documents_total",
        "Records read by ingestion, by outcome (accepted, or the reject reason)", "outcome");

    public static readonly Counter.Child Accepted = Documents.WithLabels("accepted");

    public static readonly Counter Shards = Metrics.CreateCounter("refinery_ingestion_shards_total",
        "Document shards written to the object store");
}
