using System.CommandLine;
using System.Globalization;
using Refinery.Contracts.Training;

namespace Refinery.Host.Cli;

/// <summary>The options of `refinery train` and the <see cref="SubmitTrainingJob"/> they make. An option left out keeps
/// the contract's default (never restated here), so the CLI and a request posted by hand with the same values name the
/// same job.</summary>
public sealed class TrainOptions
{
    private static readonly SubmitTrainingJob Defaults = new() { Stages = [] };

    public Option<TrainingKind> Kind { get; } = OptionValueOption.Create("--kind", Defaults.Kind,
        "pretrain (random weights), continue (go on training a model on new data) or finetune; continue when --from-job or --from-folder is given");
    public Option<string[]> Data { get; } = new("--data", "--stage")
    {
        Description = "DATASET@VERSION[:TOKENS]: one curriculum stage, trained in the order given (repeat for more); TOKENS takes k, M or G",
    };
    public Option<string?> Tokens { get; } = new("--tokens") { Description = "Training tokens of each stage that names none (k, M or G allowed)" };
    public Option<string?> ModelName { get; } = new("--model-name") { Description = "The name the model is listed under" };
    public Option<string?> FromJob { get; } = new("--from-job") { Description = "Start from the model of this finished training job" };
    public Option<string?> FromFolder { get; } = new("--from-folder") { Description = "Start from this Hugging Face-layout Llama folder in the object store (a key prefix ending in '/')" };

    public Option<ModelPreset> Preset { get; } = OptionValueOption.Create("--preset", new ModelSpec().Preset, "A model size");
    public Option<int?> Layers { get; } = new("--layers") { Description = "Transformer layers (over the preset)" };
    public Option<int?> Hidden { get; } = new("--hidden") { Description = "Hidden width (over the preset)" };
    public Option<int?> Heads { get; } = new("--heads") { Description = "Attention heads (over the preset)" };
    public Option<int?> KeyValueHeads { get; } = new("--kv-heads") { Description = "Key/value heads (over the preset)" };
    public Option<int?> Intermediate { get; } = new("--intermediate") { Description = "MLP width (over the preset)" };
    public Option<int?> Context { get; } = new("--context") { Description = "Context length in tokens (over the preset)" };
    public Option<bool?> TieEmbeddings { get; } = new("--tie-embeddings") { Description = "true or false: share the input and output embeddings (over the preset)" };
    public Option<double?> RopeTheta { get; } = new("--rope-theta") { Description = "Rotary positions' base" };

    public Option<int?> MicroBatch { get; } = new("--micro-batch") { Description = $"Sequences per forward pass (default {Defaults.Hyperparameters.MicroBatch})" };
    public Option<int?> Accumulate { get; } = new("--accumulate") { Description = $"Micro-batches per optimizer step (default {Defaults.Hyperparameters.GradientAccumulation})" };
    public Option<double?> LearningRate { get; } = new("--lr") { Description = $"Peak learning rate (default {Invariant(Defaults.Hyperparameters.LearningRate)})" };
    public Option<double?> MinLearningRate { get; } = new("--min-lr") { Description = $"Learning rate at the end of the decay (default {Invariant(Defaults.Hyperparameters.MinLearningRate)})" };
    public Option<int?> Warmup { get; } = new("--warmup") { Description = $"Warm-up steps (default {Defaults.Hyperparameters.WarmupSteps})" };
    public Option<LearningRateSchedule> Schedule { get; } = OptionValueOption.Create("--schedule", Defaults.Hyperparameters.Schedule, "Decay after the warm-up");
    public Option<double?> WeightDecay { get; } = new("--weight-decay") { Description = $"AdamW weight decay (default {Invariant(Defaults.Hyperparameters.WeightDecay)})" };
    public Option<double?> Clip { get; } = new("--clip") { Description = $"Largest gradient norm, 0 for none (default {Invariant(Defaults.Hyperparameters.ClipNorm)})" };
    public Option<long?> Seed { get; } = new("--seed") { Description = $"Seeds the weights and the data order (default {Defaults.Hyperparameters.Seed})" };
    public Option<int?> Threads { get; } = new("--threads") { Description = "Threads of the tensor library, 0 for the process's cores (default 0)" };

    public Option<int?> ProgressEvery { get; } = new("--progress-every") { Description = $"Report every this many steps (default {Defaults.Intervals.ProgressEverySteps})" };
    public Option<int?> EvaluateEvery { get; } = new("--eval-every") { Description = $"Validation loss every this many steps, 0 only at the end (default {Defaults.Intervals.EvaluateEverySteps})" };
    public Option<long?> EvaluationTokens { get; } = new("--eval-tokens") { Description = $"Validation tokens scored each time (default {Defaults.Intervals.EvaluationTokens})" };
    public Option<int?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = $"Checkpoint every this many steps (default {Defaults.Intervals.CheckpointEverySteps})" };
    public Option<int?> KeepCheckpoints { get; } = new("--keep-checkpoints") { Description = $"Checkpoints kept (default {Defaults.Intervals.KeepCheckpoints})" };

    public IEnumerable<Option> All =>
    [
        Kind, Data, Tokens, ModelName, FromJob, FromFolder, Preset, Layers, Hidden, Heads, KeyValueHeads, Intermediate, Context, TieEmbeddings,
        RopeTheta, MicroBatch, Accumulate, LearningRate, MinLearningRate, Warmup, Schedule, WeightDecay, Clip, Seed, Threads, ProgressEvery,
        EvaluateEvery, EvaluationTokens, CheckpointEvery, KeepCheckpoints,
    ];

    /// <summary>The request the options describe, or what is wrong with them (a --data that does not parse, or the
    /// contract's own checks, by field).</summary>
    public (SubmitTrainingJob? Request, string? Error) Build(ParseResult result)
    {
        long? defaultTokens = null;
        if (result.GetValue(Tokens) is { } tokensText)
        {
            if (ParseTokens(tokensText) is not { } parsed) return (null, $"--tokens {tokensText}: expected a count such as 500000, 200k or 1.5M");
            defaultTokens = parsed;
        }
        var stages = new List<TrainingStage>();
        foreach (var spec in result.GetValue(Data) ?? [])
        {
            if (ParseStage(spec, defaultTokens) is not { } stage)
                return (null, $"--data {spec}: expected DATASET@VERSION[:TOKENS]{(defaultTokens is null ? " (or give --tokens)" : "")}");
            stages.Add(stage);
        }
        var (fromJob, fromFolder) = (result.GetValue(FromJob), result.GetValue(FromFolder));
        var baseModel = fromJob is null && fromFolder is null ? null : new BaseModelRef { Job = fromJob, Folder = fromFolder };
        var kind = result.GetResult(Kind) is { Implicit: false } || baseModel is null ? result.GetValue(Kind) : TrainingKind.Continue;
        var (h, i) = (Defaults.Hyperparameters, Defaults.Intervals);
        var request = new SubmitTrainingJob
        {
            Kind = kind, ModelName = result.GetValue(ModelName), BaseModel = baseModel, Model = Model(result), Stages = stages,
            Hyperparameters = h with
            {
                MicroBatch = result.GetValue(MicroBatch) ?? h.MicroBatch, GradientAccumulation = result.GetValue(Accumulate) ?? h.GradientAccumulation,
                LearningRate = result.GetValue(LearningRate) ?? h.LearningRate, MinLearningRate = result.GetValue(MinLearningRate) ?? h.MinLearningRate,
                WarmupSteps = result.GetValue(Warmup) ?? h.WarmupSteps, Schedule = result.GetValue(Schedule),
                WeightDecay = result.GetValue(WeightDecay) ?? h.WeightDecay, ClipNorm = result.GetValue(Clip) ?? h.ClipNorm,
                Seed = result.GetValue(Seed) ?? h.Seed, Threads = result.GetValue(Threads) ?? h.Threads,
            },
            Intervals = i with
            {
                ProgressEverySteps = result.GetValue(ProgressEvery) ?? i.ProgressEverySteps, EvaluateEverySteps = result.GetValue(EvaluateEvery) ?? i.EvaluateEverySteps,
                EvaluationTokens = result.GetValue(EvaluationTokens) ?? i.EvaluationTokens,
                CheckpointEverySteps = result.GetValue(CheckpointEvery) ?? i.CheckpointEverySteps, KeepCheckpoints = result.GetValue(KeepCheckpoints) ?? i.KeepCheckpoints,
            },
        };
        if (stages.Count == 0) return (null, "name at least one stage: --data DATASET@VERSION[:TOKENS]");
        return TrainingRequests.Problems(request) is { Count: > 0 } problems
            ? (null, string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")))
            : (request, null);
    }

    /// <summary>A model specification when any model option is given; none otherwise (the service's default architecture
    /// for a pretrain job, the base model's for the others).</summary>
    private ModelSpec? Model(ParseResult result)
    {
        // The preset counts as given only when named: its default alone asks for no model of its own.
        var preset = result.GetResult(Preset) is { Implicit: false } ? result.GetValue(Preset) : (ModelPreset?)null;
        var (layers, hidden, heads, kvHeads, intermediate, context, tie, theta) = (result.GetValue(Layers),
            result.GetValue(Hidden), result.GetValue(Heads), result.GetValue(KeyValueHeads), result.GetValue(Intermediate), result.GetValue(Context),
            result.GetValue(TieEmbeddings), result.GetValue(RopeTheta));
        if (preset is null && layers is null && hidden is null && heads is null && kvHeads is null && intermediate is null && context is null
            && tie is null && theta is null)
            return null;
        var spec = new ModelSpec();
        return spec with
        {
            Preset = preset ?? spec.Preset, Layers = layers, Hidden = hidden, Heads = heads, KeyValueHeads = kvHeads, Intermediate = intermediate,
            Context = context, TieEmbeddings = tie, RopeTheta = theta,
        };
    }

    /// <summary>"web@0123456789ab:200k" → stage web, version 0123456789ab, 200,000 tokens; without ":TOKENS" the default.</summary>
    public static TrainingStage? ParseStage(string spec, long? defaultTokens)
    {
        var at = spec.IndexOf('@');
        if (at <= 0) return null;
        var colon = spec.IndexOf(':', at);
        var version = colon < 0 ? spec[(at + 1)..] : spec[(at + 1)..colon];
        var tokens = colon < 0 ? defaultTokens : ParseTokens(spec[(colon + 1)..]);
        return version.Length == 0 || tokens is null ? null : new TrainingStage { Dataset = spec[..at], Version = version, Tokens = tokens.Value };
    }

    /// <summary>"500000", "200k", "1.5M", "2G" → the count; null when it is none.</summary>
    public static long? ParseTokens(string text)
    {
        var scale = text.Length == 0 ? 1.0 : char.ToLowerInvariant(text[^1]) switch { 'k' => 1e3, 'm' => 1e6, 'g' => 1e9, _ => 1.0 };
        var number = scale > 1 ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
        var count = value * scale;
        return count is >= 1 and <= long.MaxValue / 2 && count == Math.Floor(count) ? (long)count : null;
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
