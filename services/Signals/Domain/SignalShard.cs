namespace Refinery.Signals.Domain;

/// <summary>One computed signal shard: which document shard it was computed from (by checksum), where the Parquet
/// file is and its checksum, and what went into it. Its key is (corpus, shard, config).</summary>
public sealed class SignalShard
{
    public Guid CorpusId { get; set; }
    public int Shard { get; set; }
    public string Config { get; set; } = "";
    public string Corpus { get; set; } = "";
    public string Key { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public string DocumentsSha256 { get; set; } = "";
    public int Documents { get; set; }
    public int Quarantined { get; set; }
    /// <summary>JSON object: resource name → version.</summary>
    public string ResourcesJson { get; set; } = "{}";
    public DateTime ComputedAt { get; set; }
    public long ElapsedMs { get; set; }
}
