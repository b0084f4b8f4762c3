namespace Refinery.Hosting.Jobs;

/// <summary>A service's table of leased jobs (scoped: it uses the service's own DbContext). A job is claimed by one
/// conditional write, so competing processes never share one; a claim that is not renewed expires, and the job is
/// claimed again (by any process) and run from the start, which rewrites the same deterministic outputs.</summary>
public interface ILeasedJobs<TJob> where TJob : class
{
    /// <summary>Claims a queued job, or one whose lease expired, for <paramref name="owner"/>; null when there is none.</summary>
    Task<TJob?> TryClaimAsync(string owner, TimeSpan lease, CancellationToken ct);

    /// <summary>How many times the job has been claimed, this claim included, and the failure its last failed run recorded.</summary>
    Task<LeasedJobAttempts> AttemptsAsync(TJob job, CancellationToken ct);

    /// <summary>Records on the job why this claim's run threw (the job is tried again), so that a job that runs out of
    /// attempts fails naming the step and the error rather than only the count.</summary>
    Task RecordFailureAsync(TJob job, FailedStep failure, CancellationToken ct);

    /// <summary>Extends the lease; false when the job is no longer this owner's (requeued or taken over).</summary>
    Task<bool> RenewAsync(TJob job, string owner, TimeSpan lease, CancellationToken ct);
}

/// <summary>What a service does with a claimed job (scoped). The worker keeps the lease alive meanwhile.</summary>
public interface ILeasedJobRunner<TJob> where TJob : class
{
    /// <summary>The job in a log line ("corpus web").</summary>
    string Describe(TJob job);

    /// <summary>The step the run is at ("read sources", "step 41"): a failure the run throws happened there.</summary>
    string Step { get; }

    /// <summary>Runs the job and records its result, when the job is still this run's: true when it recorded it, false
    /// when the job was superseded meanwhile (resubmitted). The token is cancelled when the process stops or the lease is
    /// lost; an exception leaves the lease to expire, so the job is tried again, except a
    /// <see cref="Bus.PermanentFailureException"/>, which fails the job at once.</summary>
    Task<bool> RunAsync(TJob job, CancellationToken ct);

    /// <summary>Publishes the service's completion event from the recorded result. Recording ended the lease, so this is
    /// cancelled only when the process stops.</summary>
    Task AnnounceAsync(TJob job, CancellationToken ct);

    /// <summary>The job failed for good at a step: records that and publishes the service's <c>…Failed</c> event.</summary>
    Task FailAsync(TJob job, FailedStep failure, CancellationToken ct);
}

/// <summary>How many times a job has been claimed, and the failure its last failed run recorded (null when every run
/// so far was stopped with its process, which records nothing).</summary>
public sealed record LeasedJobAttempts(int Count, FailedStep? LastFailure)
{
    /// <summary>The step a job that failed without a recorded failure is named at.</summary>
    public const string RunStep = "run";
}

/// <summary>How a service's leased jobs are run: the lease, how often an idle worker looks for a job, how many claims a
/// job gets before it fails for good, and how many jobs one process runs at once.</summary>
public sealed record LeasedJobOptions(TimeSpan Lease, TimeSpan PollInterval, int MaxAttempts = 3, int Concurrency = 1);
