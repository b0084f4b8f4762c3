using System.ComponentModel.DataAnnotations;
using Refinery.Hosting.Jobs;

namespace Refinery.Curation.Options;

/// <summary>Configuration of the curation service (section Refinery:Curation), validated at start.</summary>
public sealed class CurationOptions
{
    public const string SectionName = "Refinery:Curation";

    /// <summary>Parts this process writes at once.</summary>
    [Range(1, 1024)] public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>How many passes over a component's training tokens a mixture may take
    /// (<see cref="Refinery.Contracts.Curation.DatasetRequests.MaxMixtureEpochsKey"/>); a budget past it is refused.</summary>
    [Range(1, 1_000_000)] public int MaxMixtureEpochs { get; set; } = Refinery.Contracts.Curation.DatasetRequests.DefaultMaxMixtureEpochs;

    /// <summary>How long a dataset request waits for its inputs (a corpus's signals, its duplicate clusters) before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")] public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A waiting request is sent again after this long without its awaited event (in case the event was lost).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan WaitResendAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often waits are checked for a timeout or a resend.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan WaitSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    public JobWaitOptions Waits => new(WaitTimeout, WaitResendAfter, WaitSweepInterval);
}
