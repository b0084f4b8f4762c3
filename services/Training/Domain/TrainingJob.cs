namespace Refinery.Training.Domain;

/// <summary>Where a training job is.</summary>
public static class TrainingStatus
{
    public const string Queued = "queued", Running = "running", Completed = "completed", Failed = "failed", Cancelled = "cancelled";

    public static bool IsFinal(string status) => status is Completed or Failed or Cancelled;
}

/// <summary>A training job: its request (the job's input, run again verbatim after a crash), its lease, and its result.</summary>
public sealed class TrainingJob
{
    /// <summary>The hash of the request (<c>TrainingRequests.JobId</c>).</summary>
    public required string Id { get; set; }
    public required string Status { get; set; }
    public required string RequestJson { get; set; }
    /// <summary>The request that asked for the current run, copied into its events.</summary>
    public Guid? RequestId { get; set; }
    /// <summary>Bumped by each resubmission that requeues the job (after a failure or a cancel), so a run of an older
    /// submission cannot record its result over a newer one.</summary>
    public int Generation { get; set; }
    public int Attempts { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public bool CancelRequested { get; set; }
    public int Step { get; set; }
    public int TotalSteps { get; set; }
    /// <summary>The newest complete checkpoint's manifest key.</summary>
    public string? Checkpoint { get; set; }
    public string? FailedStep { get; set; }
    public string? Error { get; set; }
    /// <summary>Where and why the last run of this submission threw (it is tried again): named if the job runs out of attempts.</summary>
    public string? LastFailedStep { get; set; }
    public string? LastError { get; set; }
    /// <summary>The completion event as JSON, announced again when the same request comes again.</summary>
    public string? ResultJson { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
