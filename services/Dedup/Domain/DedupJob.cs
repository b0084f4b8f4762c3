using Refinery.Contracts.Dedup;

namespace Refinery.Dedup.Domain;

/// <summary>One deduplication of a corpus with one set of options over one set of shards. Its id is derived from
/// those inputs, so the same request finds the same job. Shard rows record which document shards are hashed,
/// partition rows which partitions are linked.</summary>
public sealed class DedupJob
{
    public Guid Id { get; set; }
    public Guid CorpusId { get; set; }
    public string Corpus { get; set; } = "";
    /// <summary>The output's configuration tag, e.g. "rpv2-0.8".</summary>
    public string Config { get; set; } = "";
    public double Threshold { get; set; }
    public ExactMode Exact { get; set; } = ExactMode.Set;
    public double FalsePositiveRate { get; set; }
    public ExactKeyKind ExactKey { get; set; } = ExactKeyKind.Normalized;
    /// <summary>"first", "longest", "max:SIGNAL" or "min:SIGNAL".</summary>
    public KeepPolicy Keep { get; set; } = KeepPolicy.First;
    /// <summary>Candidate pairs are linked only when their true Jaccard reaches the threshold.</summary>
    public bool Verify { get; set; }
    public int Partitions { get; set; }
    /// <summary>JSON array of the signal shards (ObjectRef), in shard order: global document numbers follow it.</summary>
    public string ShardsJson { get; set; } = "[]";
    /// <summary>JSON array of the document shards (ObjectRef) the signal shards were computed from, in the same order.</summary>
    public string DocumentsJson { get; set; } = "[]";
    public string Status { get; set; } = DedupJobStatus.Working;
    public string? ClustersKey { get; set; }
    public string? ClustersSha256 { get; set; }
    public long ClustersLength { get; set; }
    public long Documents { get; set; }
    public long ClusteredDocuments { get; set; }
    public long ClusterCount { get; set; }
    public long Removed { get; set; }
    public long ExactDuplicates { get; set; }
    public long EarlierCorpusDuplicates { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>working (hashing, or linking when the texts are not needed) → linking (every shard hashed, partitions sent) → done.</summary>
public static class DedupJobStatus
{
    public const string Working = "working", Linking = "linking", Done = "done";
}

/// <summary>One hashed document shard of a job: its keys file (normalised-text key and length per document) and, for
/// a verifying job, its shingles file.</summary>
public sealed class DedupShard
{
    public Guid JobId { get; set; }
    public int Shard { get; set; }
    public string Key { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public long Documents { get; set; }
    public string? ShinglesKey { get; set; }
    public string? ShinglesSha256 { get; set; }
    public long ShinglesLength { get; set; }
}

/// <summary>One linked partition of a job: its result file (edges, earlier-corpus copies, Bloom copies) and checksum.</summary>
public sealed class DedupPartition
{
    public Guid JobId { get; set; }
    public int Partition { get; set; }
    public string Key { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public long Edges { get; set; }
}

/// <summary>The current version of one prefix partition of the persistent exact index (shared by every corpus): its
/// object, checksum and key count. Versions advance by compare-and-swap, so two jobs adding keys at once never lose
/// each other's.</summary>
public sealed class ExactIndexPartition
{
    /// <summary>The key kind ("normalized", "raw", "url"): each kind is an index of its own.</summary>
    public string Kind { get; set; } = "normalized";
    public int Partition { get; set; }
    public long Version { get; set; }
    public string Key { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public long Keys { get; set; }
}
