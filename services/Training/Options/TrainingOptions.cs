using System.ComponentModel.DataAnnotations;
using Refinery.Hosting.Jobs;

namespace Refinery.Training.Options;

/// <summary>How a training process runs its jobs (section Refinery:Training).</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Refinery:Training";

    /// <summary>Jobs one process runs at once. Each trains on all the threads its request asks for, so more than one is
    /// for machines with cores to spare; more jobs at once come from more `training` processes.</summary>
    [Range(1, 64)] public int MaxConcurrentJobs { get; set; } = 1;

    [EnumDataType(typeof(TrainingDevice))] public TrainingDevice Device { get; set; } = TrainingDevice.Cpu;

    /// <summary>How long a claimed job stays owned by a process that stops renewing it (it died).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")] public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(60);
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")] public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Claims of one job by processes that each stopped before it ended, before it fails for good. Training
    /// resumes from checkpoints, so each claim makes progress; the limit catches a job that kills its process.</summary>
    [Range(1, 1000)] public int MaxAttempts { get; set; } = 5;

    /// <summary>How long a submitted job waits for a dataset version still being cut before it fails at step "data".</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")] public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A waiting request is sent again after this long without its awaited event (in case the event was lost).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan WaitResendAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often waits are checked for a timeout or a resend.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan WaitSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    public JobWaitOptions Waits => new(WaitTimeout, WaitResendAfter, WaitSweepInterval);
}
