namespace Refinery.Gateway.Domain;

/// <summary>The gateway's read model of one dedup request of a corpus (by its output's configuration tag): requested,
/// done with the counts and clusters file of <c>CorpusDeduplicated</c>, or failed with the reason.</summary>
public sealed class DedupView
{
    public Guid CorpusId { get; set; }
    public string Config { get; set; } = "";
    public string Corpus { get; set; } = "";
    public string Stage { get; set; } = DedupStages.Requested;
    public double Threshold { get; set; }
    public string? ClustersKey { get; set; }
    public string? ClustersSha256 { get; set; }
    public long ClustersLength { get; set; }
    public long Documents { get; set; }
    public long ClusteredDocuments { get; set; }
    public long ClusterCount { get; set; }
    public long Removed { get; set; }
    public long ExactDuplicates { get; set; }
    public long EarlierCorpusDuplicates { get; set; }
    public string? Error { get; set; }
    /// <summary>The step that failed ("request", "link partition 2"), with <see cref="Error"/>.</summary>
    public string? FailedStep { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class DedupStages
{
    public const string Requested = "requested", Done = "done", Failed = "failed";
}
