using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Names;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Training;

/// <summary>The checks of a <see cref="SubmitTrainingJob"/> both the gateway and the service apply, and the job id both
/// compute. Whether the data exists and fits the model is the service's to say (it reads the manifests).</summary>
public static class TrainingRequests
{
    public const int MaxStages = 16;
    public const long MaxStageTokens = 1_000_000_000_000;

    /// <summary>A job's id: the first 12 hex digits of the sha256 of its request without its <c>RequestId</c>, as a dataset
    /// version is named by its inputs. Threads and intervals are part of it: they change the numbers or the outputs.</summary>
    public static string JobId(SubmitTrainingJob request)
    {
        var canonical = JsonSerializer.Serialize(request with { RequestId = null }, Canonical);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("refinery/training/" + canonical)))[..12];
    }

    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web);

    public static bool IsJobId(string? id) => id is { Length: 12 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>What is wrong with the request, by field ("stages[1].tokens"); empty when nothing is.</summary>
    public static Dictionary<string, string> Problems(SubmitTrainingJob request)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Enum.IsDefined(request.Kind)) problems["kind"] = $"must be {OptionValues<TrainingKind>.Expected}";
        if (request.ModelName is { } name && NameRules.Corpus.Problem(name) is { } nameProblem) problems["modelName"] = nameProblem;
        BaseModelProblems(request, problems);
        if (request.Model is { } model) ModelProblems(model, problems);
        StageProblems(request.Stages, problems);
        HyperparameterProblems(request.Hyperparameters ?? new(), problems);
        IntervalProblems(request.Intervals ?? new(), problems);
        return problems;
    }

    private static void BaseModelProblems(SubmitTrainingJob request, Dictionary<string, string> problems)
    {
        if (request.Kind == TrainingKind.Pretrain)
        {
            if (request.BaseModel is not null) problems["baseModel"] = "a pretrain job starts from random weights; use kind continue or finetune";
            return;
        }
        if (request.BaseModel is not { } from)
        {
            problems["baseModel"] = "a continue or finetune job names the model it starts from (job or folder)";
            return;
        }
        if (request.Model is not null) problems["model"] = "a job that starts from a model takes that model's architecture";
        if ((from.Job is null) == (from.Folder is null)) problems["baseModel"] = "name exactly one of job and folder";
        else if (from.Job is { } job && !IsJobId(job)) problems["baseModel.job"] = "a training job id is 12 lower-case hex digits";
        else if (from.Folder is { } folder)
        {
            if (NameRules.ObjectKey.Problem(folder.TrimEnd('/')) is { } key) problems["baseModel.folder"] = key;
            else if (!folder.EndsWith('/')) problems["baseModel.folder"] = "a folder is a key prefix ending in '/'";
        }
    }

    private static void ModelProblems(ModelSpec model, Dictionary<string, string> problems)
    {
        // A value the JSON convention could not read never gets here; one set in code out of range does.
        if (!ModelPresets.All.ContainsKey(model.Preset))
        {
            problems["model.preset"] = $"must be {OptionValues<ModelPreset>.Expected}";
            return;
        }
        var p = ModelPresets.Resolve(model);
        Range(problems, "model.layers", p.Layers, 1, 64);
        Range(problems, "model.hidden", p.Hidden, 8, 8192);
        Range(problems, "model.heads", p.Heads, 1, 128);
        Range(problems, "model.keyValueHeads", p.KeyValueHeads, 1, 128);
        Range(problems, "model.intermediate", p.Intermediate, 8, 32768);
        Range(problems, "model.context", p.Context, 8, 8192);
        if (problems.Count > 0) return;
        if (p.Hidden % p.Heads != 0) problems["model.heads"] = $"must divide the hidden width {p.Hidden}";
        else if (p.Hidden / p.Heads % 2 != 0) problems["model.heads"] = "the head width (hidden / heads) must be even for rotary positions";
        if (p.Heads % p.KeyValueHeads != 0) problems["model.keyValueHeads"] = $"must divide the heads {p.Heads}";
        if (model.RopeTheta is { } theta && theta is not (> 0 and <= 1e9)) problems["model.ropeTheta"] = "must be in (0, 10^9]";
    }

    private static void StageProblems(IReadOnlyList<TrainingStage?>? stages, Dictionary<string, string> problems)
    {
        if (stages is not { Count: > 0 }) { problems["stages"] = "name at least one stage (a dataset version and a token budget)"; return; }
        if (stages.Count > MaxStages) { problems["stages"] = $"at most {MaxStages} stages"; return; }
        for (var i = 0; i < stages.Count; i++)
        {
            var at = $"stages[{i}]";
            if (stages[i] is not { } s) { problems[at] = "a stage is an object with a dataset, a version and tokens"; continue; }
            if (CorpusNames.Problem(s.Dataset) is { } dataset) problems[at + ".dataset"] = dataset;
            if (s.Version is null || !DatasetRequests.IsVersion(s.Version)) problems[at + ".version"] = "a version is 12 lower-case hex digits";
            if (s.Tokens is < 1 or > MaxStageTokens) problems[at + ".tokens"] = "must be between 1 and 10^12";
            if (s.LearningRate is { } lr && lr is not (> 0 and <= 10)) problems[at + ".learningRate"] = "must be in (0, 10]";
            if (s.MinLearningRate is { } min && min is not (>= 0 and <= 10)) problems[at + ".minLearningRate"] = "must be in [0, 10]";
            if (s.WarmupSteps is < 0 or > 10_000_000) problems[at + ".warmupSteps"] = "must be between 0 and 10^7";
            if (s.Schedule is { } schedule && !Enum.IsDefined(schedule)) problems[at + ".schedule"] = $"must be {OptionValues<LearningRateSchedule>.Expected}";
        }
    }

    private static void HyperparameterProblems(TrainingHyperparameters h, Dictionary<string, string> problems)
    {
        const string at = "hyperparameters.";
        Range(problems, at + "microBatch", h.MicroBatch, 1, 4096);
        Range(problems, at + "gradientAccumulation", h.GradientAccumulation, 1, 4096);
        // Written so NaN fails each of them too (every comparison with NaN is false).
        if (h.LearningRate is not (> 0 and <= 10)) problems[at + "learningRate"] = "must be in (0, 10]";
        if (h.MinLearningRate is not (>= 0 and <= 10)) problems[at + "minLearningRate"] = "must be in [0, 10]";
        Range(problems, at + "warmupSteps", h.WarmupSteps, 0, 10_000_000);
        if (!Enum.IsDefined(h.Schedule)) problems[at + "schedule"] = $"must be {OptionValues<LearningRateSchedule>.Expected}";
        if (h.WeightDecay is not (>= 0 and <= 10)) problems[at + "weightDecay"] = "must be in [0, 10]";
        if (h.Beta1 is not (>= 0 and < 1)) problems[at + "beta1"] = "must be in [0, 1)";
        if (h.Beta2 is not (>= 0 and < 1)) problems[at + "beta2"] = "must be in [0, 1)";
        if (h.Epsilon is not (> 0 and <= 1)) problems[at + "epsilon"] = "must be in (0, 1]";
        if (h.ClipNorm is not (>= 0 and <= 1e6)) problems[at + "clipNorm"] = "must be in [0, 10^6] (0 turns clipping off)";
        Range(problems, at + "threads", h.Threads, 0, 1024);
    }

    private static void IntervalProblems(TrainingIntervals i, Dictionary<string, string> problems)
    {
        const string at = "intervals.";
        Range(problems, at + "progressEverySteps", i.ProgressEverySteps, 1, 1_000_000);
        Range(problems, at + "evaluateEverySteps", i.EvaluateEverySteps, 0, 1_000_000);
        if (i.EvaluationTokens is < 1 or > 1_000_000_000) problems[at + "evaluationTokens"] = "must be between 1 and 10^9";
        Range(problems, at + "checkpointEverySteps", i.CheckpointEverySteps, 1, 1_000_000);
        Range(problems, at + "keepCheckpoints", i.KeepCheckpoints, 1, 100);
    }

    private static void Range(Dictionary<string, string> problems, string field, long value, long min, long max)
    {
        if (value < min || value > max) problems[field] = $"must be between {min} and {max}";
    }
}
