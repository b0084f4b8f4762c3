using Refinery.Contracts.Curation;

namespace Refinery.Contracts.Training;

/// <summary>Event: a process took up a training job (first run, or resumed from a checkpoint after its previous process
/// stopped).</summary>
public sealed record TrainingJobStarted
{
    public required string JobId { get; init; }
    public required TrainingKind Kind { get; init; }
    public string? ModelName { get; init; }
    /// <summary>Optimizer steps in all stages.</summary>
    public required int TotalSteps { get; init; }
    public required long TotalTokens { get; init; }
    public required long Parameters { get; init; }
    /// <summary>The checkpoint's step this run resumes from; 0 on a first run.</summary>
    public int ResumedFromStep { get; init; }
    public Guid? RequestId { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>Event: a training job's latest figures, every few steps or seconds and at each validation.</summary>
public sealed record TrainingJobProgressed
{
    public required string JobId { get; init; }
    public required int Step { get; init; }
    public required int TotalSteps { get; init; }
    /// <summary>The curriculum stage under way, from 0.</summary>
    public required int Stage { get; init; }
    public required long Tokens { get; init; }
    /// <summary>Mean training loss of the steps since the previous event, in nats per token.</summary>
    public required double Loss { get; init; }
    /// <summary>The same loss in bits per UTF-8 byte of the text the tokens stand for, which compares across tokenizers.</summary>
    public required double BitsPerByte { get; init; }
    public required double LearningRate { get; init; }
    public required double GradientNorm { get; init; }
    public required double TokensPerSecond { get; init; }
    public required double EtaSeconds { get; init; }
    /// <summary>Validation loss (nats per token) measured at this step, when it was.</summary>
    public double? ValidationLoss { get; init; }
    public double? ValidationBitsPerByte { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>Event: a training job finished: its model folder (Hugging Face Llama layout) and lineage record are under
/// <c>training/{job}/</c>.</summary>
public sealed record TrainingJobCompleted
{
    public required string JobId { get; init; }
    public required TrainingKind Kind { get; init; }
    public string? ModelName { get; init; }
    /// <summary>The model folder's key prefix (<see cref="TrainingKeys.Model"/>).</summary>
    public required string ModelFolder { get; init; }
    /// <summary>model.safetensors in that folder.</summary>
    public required ObjectRef Weights { get; init; }
    public required ObjectRef Lineage { get; init; }
    /// <summary>The training log: one JSON line per curve point (<see cref="TrainingKeys.Log"/>).</summary>
    public ObjectRef? Log { get; init; }
    public required int Steps { get; init; }
    public required long Tokens { get; init; }
    public required long Parameters { get; init; }
    /// <summary>The tokenizer the model reads ("gpt2", "bytes").</summary>
    public required TokenizerKind Tokenizer { get; init; }
    public required double FinalLoss { get; init; }
    public required double ValidationLoss { get; init; }
    public required double ValidationBitsPerByte { get; init; }
    public required double Seconds { get; init; }
    public Guid? RequestId { get; init; }
}

/// <summary>Event: a training job failed for good, at a step ("request", "data", "model", "step 120", "save") with the reason.</summary>
public sealed record TrainingJobFailed
{
    /// <summary>The job, or empty when the request was refused before it had an id.</summary>
    public required string JobId { get; init; }
    public required string Step { get; init; }
    public required string Reason { get; init; }
    public Guid? RequestId { get; init; }
}

/// <summary>Event: a training job stopped because it was asked to, after writing a checkpoint at <see cref="Step"/>.</summary>
public sealed record TrainingJobCancelled
{
    public required string JobId { get; init; }
    public required int Step { get; init; }
    /// <summary>The manifest of the final checkpoint; null when the job was cancelled before its first step.</summary>
    public string? Checkpoint { get; init; }
    public Guid? RequestId { get; init; }
}
