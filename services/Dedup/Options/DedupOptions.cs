using System.ComponentModel.DataAnnotations;

namespace Refinery.Dedup.Options;

/// <summary>Configuration of the dedup service (section Refinery:Dedup), validated at start.</summary>
public sealed class DedupOptions
{
    public const string SectionName = "Refinery:Dedup";

    /// <summary>Key partitions of a job's LSH buckets: each is one message, linked by whichever process takes it.
    /// A partition reads every signal shard of the corpus and keeps its share of the band records in memory.</summary>
    [Range(1, 4096)] public int Partitions { get; set; } = 8;

    /// <summary>Partitions this process links at once.</summary>
    [Range(1, 1024)] public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
