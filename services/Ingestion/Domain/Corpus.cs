namespace Refinery.Ingestion.Domain;

/// <summary>Where a corpus is in its ingestion.</summary>
public static class CorpusStages
{
    public const string Queued = "queued";
    public const string Ingesting = "ingesting";
    public const string Ingested = "ingested";
    public const string Failed = "failed";
}

/// <summary>A corpus in the catalog: the command that defines it, its job state and its counts.</summary>
public sealed class Corpus
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Stage { get; set; }
    /// <summary>The IngestCorpus command as JSON: the job's input, rerun verbatim after a crash.</summary>
    public required string CommandJson { get; set; }
    /// <summary>Bumped by every new command, so a run of an older command cannot record its results.</summary>
    public int Generation { get; set; }
    public int Attempts { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public long Read { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public long InvalidUtf8Replaced { get; set; }
    public int ShardCount { get; set; }
    public string LanguagesJson { get; set; } = "{}";
    public string RejectedByReasonJson { get; set; } = "{}";
    public string? Error { get; set; }
    /// <summary>Where and why the last run of this generation threw (it is tried again): named if the job runs out of attempts.</summary>
    public string? LastFailedStep { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One shard of a corpus in the object store.</summary>
public sealed class CorpusShard
{
    public Guid CorpusId { get; set; }
    public int Shard { get; set; }
    public required string Key { get; set; }
    public required string Sha256 { get; set; }
    public long Length { get; set; }
    public int DocumentCount { get; set; }
}

/// <summary>What one raw source of a corpus gave.</summary>
public sealed class CorpusSource
{
    public Guid CorpusId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public long InvalidUtf8Replaced { get; set; }
}
