using System.ComponentModel.DataAnnotations;
using Refinery.Hosting.Jobs;

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

    /// <summary>How long a dedup request waits for the corpus's signals before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")] public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A waiting request is sent again after this long without its awaited event (in case the event was lost).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan WaitResendAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often waits are checked for a timeout or a resend.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan WaitSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    public JobWaitOptions Waits => new(WaitTimeout, WaitResendAfter, WaitSweepInterval);
}
