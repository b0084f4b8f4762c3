namespace Refinery.Contracts.Jobs;

/// <summary>Event: a job of some service moved on: a step's work items done out of its total, or the job is waiting
/// for another service's event. Every service publishes its progress in this one shape, so a reader (the gateway's
/// job list, a dashboard) follows any job without knowing its service. Completion and failure stay each service's own
/// events (<c>CorpusDeduplicated</c>, <c>DatasetVersionFailed</c>…), which carry the results.</summary>
public sealed record JobProgressed
{
    /// <summary>The service whose job this is: one of <see cref="JobServices"/>.</summary>
    public required string Service { get; init; }
    /// <summary>The job's business id as its service names it (<see cref="JobIds"/>: "web" for a corpus's ingestion,
    /// "web/rpv2-0.8" for a dedup of it, "news@3f2a9c01d4e5" for a dataset version).</summary>
    public required string Job { get; init; }
    /// <summary>The corpus the job works on, when it works on one.</summary>
    public Guid? CorpusId { get; init; }
    /// <summary>The request that asked for the job, when the asker named one (a dataset request's id).</summary>
    public Guid? RequestId { get; init; }
    /// <summary>The step under way ("hash shards", "link partitions", "ranking round 1", "parts", "waiting").</summary>
    public required string Step { get; init; }
    /// <summary>Work items of <see cref="Step"/> done so far.</summary>
    public required int Done { get; init; }
    /// <summary>Work items of <see cref="Step"/> in all; 0 when not known yet.</summary>
    public required int Total { get; init; }
    /// <summary>What the job waits for, when it waits for another service's event ("signals of corpus web"); null otherwise.</summary>
    public string? WaitingFor { get; init; }
    /// <summary>When <see cref="Done"/> was about to be read, not when the event was sent: records only grow and steps only
    /// advance, so of a job's events the latest <see cref="At"/> names the furthest step, whatever order they arrive in.
    /// Within one step two readers may stamp in one order and read in the other, so there the larger <see cref="Done"/> is
    /// the further progress: a reader keeps the latest event per job, except one of the same step with a smaller count.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>The service names <see cref="JobProgressed.Service"/> takes.</summary>
public static class JobServices
{
    public const string Ingestion = "ingestion", Signals = "signals", Dedup = "dedup", Curation = "curation", Training = "training";
}
