namespace Refinery.Gateway.Domain;

/// <summary>The gateway's read model of one training job, by its id (the hash of its request): submitted by this
/// gateway, then running, completed, failed or cancelled as the Training service's events say, with its latest figures.
/// Times named *At by the events' senders decide which event is newer; <see cref="CreatedAt"/> and
/// <see cref="UpdatedAt"/> are the gateway's own.</summary>
public sealed class TrainingJobView
{
    public string JobId { get; set; } = "";
    public string Status { get; set; } = TrainingJobStatuses.Submitted;
    /// <summary>pretrain, continue or finetune (the contract's option name); null until the request or an event says.</summary>
    public string? Kind { get; set; }
    public string? ModelName { get; set; }
    /// <summary>The request as this gateway submitted it (JSON, without its RequestId); null for a job it only heard of.</summary>
    public string? Request { get; set; }
    /// <summary>The request that last asked for the job.</summary>
    public Guid? RequestId { get; set; }

    public int TotalSteps { get; set; }
    public long TotalTokens { get; set; }
    public long Parameters { get; set; }
    /// <summary>The checkpoint step the latest run resumed from; 0 for a first run.</summary>
    public int ResumedFromStep { get; set; }

    // The latest progress event's figures (by its sender's time); null until one came. A figure that is not a finite
    // number (a diverged loss) is kept as null: neither SQLite nor JSON holds NaN.
    public int Step { get; set; }
    public int Stage { get; set; }
    public long Tokens { get; set; }
    public double? Loss { get; set; }
    public double? BitsPerByte { get; set; }
    public double? LearningRate { get; set; }
    public double? GradientNorm { get; set; }
    public double? TokensPerSecond { get; set; }
    public double? EtaSeconds { get; set; }
    public DateTime? ProgressAt { get; set; }

    /// <summary>The latest validation, and the step it was measured at.</summary>
    public double? ValidationLoss { get; set; }
    public double? ValidationBitsPerByte { get; set; }
    public int? ValidationStep { get; set; }

    /// <summary>The step that failed ("request", "data", "step 120") and the reason.</summary>
    public string? FailedStep { get; set; }
    public string? Error { get; set; }
    public int? CancelledStep { get; set; }
    /// <summary>The final checkpoint's manifest key of a cancelled job.</summary>
    public string? Checkpoint { get; set; }

    // What a completed job made, from TrainingJobCompleted.
    public string? ModelFolder { get; set; }
    public string? WeightsKey { get; set; }
    public string? WeightsSha256 { get; set; }
    public long WeightsLength { get; set; }
    public string? LineageKey { get; set; }
    public string? LineageSha256 { get; set; }
    public long LineageLength { get; set; }
    public string? Tokenizer { get; set; }
    public double? FinalLoss { get; set; }
    public double? Seconds { get; set; }

    /// <summary>When the latest run started, by the sender's clock: an event of an earlier run is older than it.</summary>
    public DateTime? StartedAt { get; set; }
    /// <summary>When the job last ended (completed, failed, cancelled), by the sender's clock: only a start after it reopens the job.</summary>
    public DateTime? EndedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One reported point of a training job's loss curve, keyed by job and step: a step reported twice (a
/// redelivered event, a run resumed from a checkpoint before it) is one point.</summary>
public sealed class TrainingPointView
{
    public string JobId { get; set; } = "";
    public int Step { get; set; }
    public long Tokens { get; set; }
    public double? Loss { get; set; }
    public double? BitsPerByte { get; set; }
    public double? ValidationLoss { get; set; }
    public double? ValidationBitsPerByte { get; set; }
}

/// <summary>submitted (sent, not yet started), running, then completed, failed or cancelled.</summary>
public static class TrainingJobStatuses
{
    public const string Submitted = "submitted", Running = "running", Completed = "completed", Failed = "failed", Cancelled = "cancelled";

    public static bool IsEnded(string status) => status is Completed or Failed or Cancelled;
}

/// <summary>A training job's status as the filter of <c>GET /api/training/jobs</c> names it: the names of
/// <see cref="TrainingJobStatuses"/>.</summary>
public enum TrainingJobState { Submitted, Running, Completed, Failed, Cancelled }
