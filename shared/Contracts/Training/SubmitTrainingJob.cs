namespace Refinery.Contracts.Training;

/// <summary>Command: train a model on dataset versions. A job is addressed by its content
/// (<see cref="TrainingRequests.JobId"/>): the same request names the same job, which runs once; asking again for a
/// finished job announces its result again.</summary>
public sealed record SubmitTrainingJob
{
    public TrainingKind Kind { get; init; } = TrainingKind.Pretrain;
    /// <summary>The name the registry will list the model under; a default from the kind and data when null.</summary>
    public string? ModelName { get; init; }
    /// <summary>The model a <c>continue</c> or <c>finetune</c> job starts from; null for <c>pretrain</c>.</summary>
    public BaseModelRef? BaseModel { get; init; }
    /// <summary>The architecture of a <c>pretrain</c> job (a preset and explicit fields over it); a job that starts from a
    /// model takes that model's.</summary>
    public ModelSpec? Model { get; init; }
    /// <summary>The data, stage by stage: each stage trains on its own dataset version (a mixture is a version too) to
    /// its token budget with its own learning-rate schedule. One stage is plain training.</summary>
    public required IReadOnlyList<TrainingStage> Stages { get; init; }
    public TrainingHyperparameters Hyperparameters { get; init; } = new();
    public TrainingIntervals Intervals { get; init; } = new();
    /// <summary>Chosen by whoever asks (the gateway), copied into the events that answer this request; not part of the
    /// job's identity.</summary>
    public Guid? RequestId { get; init; }
}

/// <summary>Where a model to start from is: the model of a finished training job, or a Hugging Face-layout Llama folder
/// in the object store (a key prefix ending in '/', holding config.json and model.safetensors). Exactly one is set.</summary>
public sealed record BaseModelRef
{
    public string? Job { get; init; }
    public string? Folder { get; init; }
}

/// <summary>A model architecture: a named preset (<see cref="ModelPresets"/>) with any field set explicitly over it. The
/// vocabulary comes from the data's tokenizer.</summary>
public sealed record ModelSpec
{
    public ModelPreset Preset { get; init; } = ModelPreset.Tiny;
    public int? Layers { get; init; }
    public int? Hidden { get; init; }
    public int? Heads { get; init; }
    public int? KeyValueHeads { get; init; }
    public int? Intermediate { get; init; }
    public int? Context { get; init; }
    public bool? TieEmbeddings { get; init; }
    public double? RopeTheta { get; init; }
}

/// <summary>One curriculum stage: a dataset version, how many training tokens to take from it, and the learning-rate
/// schedule over those tokens (fields left null take the job's <see cref="TrainingHyperparameters"/>).</summary>
public sealed record TrainingStage
{
    public required string Dataset { get; init; }
    public required string Version { get; init; }
    public required long Tokens { get; init; }
    public double? LearningRate { get; init; }
    public double? MinLearningRate { get; init; }
    public int? WarmupSteps { get; init; }
    public LearningRateSchedule? Schedule { get; init; }
}

/// <summary>Optimisation settings: AdamW with warm-up and decay, gradient clipping, micro-batches accumulated into a step.</summary>
public sealed record TrainingHyperparameters
{
    /// <summary>Sequences of the context length in one forward pass.</summary>
    public int MicroBatch { get; init; } = 8;
    /// <summary>Micro-batches whose gradients make one optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;
    public double LearningRate { get; init; } = 3e-3;
    public double MinLearningRate { get; init; } = 3e-4;
    public int WarmupSteps { get; init; } = 10;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    public double WeightDecay { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>The largest gradient norm; 0 turns clipping off.</summary>
    public double ClipNorm { get; init; } = 1.0;
    /// <summary>Seeds the initial weights and the order the data is read in.</summary>
    public long Seed { get; init; } = 1234;
    /// <summary>Threads for the tensor library; 0 takes the process's cores.</summary>
    public int Threads { get; init; }
}

/// <summary>How often a job reports, measures its validation loss and checkpoints, in optimizer steps.</summary>
public sealed record TrainingIntervals
{
    public int ProgressEverySteps { get; init; } = 10;
    /// <summary>Validation loss every this many steps (and at the end); 0 only at the end.</summary>
    public int EvaluateEverySteps { get; init; } = 100;
    /// <summary>Validation tokens scored each time (from the start of the versions' validation parts, the same each time).</summary>
    public long EvaluationTokens { get; init; } = 65_536;
    public int CheckpointEverySteps { get; init; } = 100;
    /// <summary>Checkpoints kept; older ones are deleted once a newer one is complete.</summary>
    public int KeepCheckpoints { get; init; } = 2;
}
