namespace Refinery.Gateway.Domain;

/// <summary>The gateway's read model of one job of any service, by service and business id (<c>JobIds</c>): the step
/// under way and its items done out of its total, from <c>JobProgressed</c>; then done or failed, from the service's own
/// completion and failure events.</summary>
public sealed class JobView
{
    public string Service { get; set; } = "";
    public string Job { get; set; } = "";
    public string State { get; set; } = JobStates.Running;
    public string Step { get; set; } = "";
    public int Done { get; set; }
    /// <summary>0 while the step's size is not known (an ingestion's shards).</summary>
    public int Total { get; set; }
    public string? WaitingFor { get; set; }
    public Guid? CorpusId { get; set; }
    /// <summary>The request the last event named (a dataset request's id), when one did.</summary>
    public Guid? RequestId { get; set; }
    /// <summary>When the job last moved, by the clock of the event's sender; older events change nothing.</summary>
    public DateTime UpdatedAt { get; set; }
}

/// <summary>running (a step under way) and waiting (for another service's event) until done, failed or cancelled (a
/// training job stopped as asked).</summary>
public static class JobStates
{
    public const string Running = "running", Waiting = "waiting", Done = "done", Failed = "failed", Cancelled = "cancelled";
}

/// <summary>A job's state as a filter of <c>GET /api/jobs</c> names it: the names of <see cref="JobStates"/>.</summary>
public enum JobState { Running, Waiting, Done, Failed, Cancelled }

/// <summary>The services whose jobs the gateway lists, by their <see cref="Contracts.Jobs.JobServices"/> names. Signals
/// has no job record of its own: the gateway keeps one per corpus and configuration from its per-shard progress.</summary>
public enum JobService { Ingestion, Signals, Dedup, Curation, Training }
