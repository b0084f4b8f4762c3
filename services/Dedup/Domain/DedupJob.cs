namespace Refinery.Dedup.Domain;

/// <summary>One deduplication of a corpus at one threshold over one set of signal shards. Its id is derived from
/// those inputs, so the same request finds the same job. Partition rows record which partitions are linked.</summary>
public sealed class DedupJob
{
    public Guid Id { get; set; }
    public Guid CorpusId { get; set; }
    public string Corpus { get; set; } = "";
    /// <summary>The output's configuration tag, e.g. "rpv2-0.8".</summary>
    public string Config { get; set; } = "";
    public double Threshold { get; set; }
    public int Partitions { get; set; }
    /// <summary>JSON array of the signal shards (ObjectRef), in shard order: global document numbers follow it.</summary>
    public string ShardsJson { get; set; } = "[]";
    public string Status { get; set; } = DedupJobStatus.Linking;
    public string? ClustersKey { get; set; }
    public string? ClustersSha256 { get; set; }
    public long ClustersLength { get; set; }
    public long Documents { get; set; }
    public long ClusteredDocuments { get; set; }
    public long ClusterCount { get; set; }
    public long Removed { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

public static class DedupJobStatus
{
    public const string Linking = "linking", Done = "done";
}

/// <summary>One linked partition of a job: its edges file and checksum.</summary>
public sealed class DedupPartition
{
    public Guid JobId { get; set; }
    public int Partition { get; set; }
    public string Key { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public long Edges { get; set; }
}
