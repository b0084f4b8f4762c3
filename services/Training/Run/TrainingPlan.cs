using Refinery.Contracts.Training;
using Refinery.Modeling.Llama;
using Refinery.Training.Data;

namespace Refinery.Training.Run;

/// <summary>One curriculum stage, resolved: its data, the tokens and optimizer steps it takes, its learning rates.</summary>
public sealed record StagePlan(int Index, DatasetVersionData Data, long Tokens, int FirstStep, int Steps, LearningRates Rates)
{
    public int EndStep => FirstStep + Steps;
}

/// <summary>A training job resolved against its data and starting model: everything the loop needs, and nothing it
/// has to look up again. A stage's steps are its token budget over the tokens of one step, rounded up.</summary>
public sealed record TrainingPlan(string JobId, SubmitTrainingJob Request, LlamaConfig Config, DataTokenizer Tokenizer,
    IReadOnlyList<StagePlan> Stages)
{
    public TrainingHyperparameters Hyperparameters => Request.Hyperparameters;
    public TrainingIntervals Intervals => Request.Intervals;
    public int Context => Config.MaxPositionEmbeddings;
    public int TokensPerStep => Hyperparameters.MicroBatch * Hyperparameters.GradientAccumulation * Context;
    public int TotalSteps => Stages[^1].EndStep;
    public long TotalTokens => (long)TotalSteps * TokensPerStep;

    /// <summary>The distinct versions of the stages, in stage order: the validation set is their validation parts.</summary>
    public IReadOnlyList<DatasetVersionData> Versions => Stages.Select(s => s.Data).DistinctBy(d => d.Name).ToList();

    public StagePlan StageOf(int step) => Stages.First(s => step < s.EndStep);

    /// <summary>Resolves a request whose versions are read (<paramref name="data"/>, by stage) and whose model
    /// configuration is known (a preset for pretrain, the base model's for continue and finetune).</summary>
    /// <exception cref="TrainingRefusedException">The versions were cut with different tokenizers, the model's vocabulary
    /// does not hold the data's ids, or a stage has less than one window of data.</exception>
    public static TrainingPlan Resolve(string jobId, SubmitTrainingJob request, IReadOnlyList<DatasetVersionData> data, LlamaConfig config)
    {
        var tokenizer = data[0].Tokenizer;
        foreach (var other in data.Where(d => d.Tokenizer != tokenizer))
            throw new TrainingRefusedException("data", $"{data[0].Name} was cut with tokenizer {tokenizer}, {other.Name} with {other.Tokenizer}: " +
                                                       "one job trains on one tokenizer's ids");
        if (config.VocabSize < tokenizer.VocabularySize)
            throw new TrainingRefusedException("model", $"the model's vocabulary has {config.VocabSize} ids; the data was cut with tokenizer {tokenizer}");
        if (data.Sum(d => d.ValidationTokens) == 0)
            throw new TrainingRefusedException("data", $"{string.Join(", ", data.Select(d => d.Name).Distinct())} hold no validation tokens: " +
                                                       "cut a version with a validation fraction above 0 so the job can report its validation loss");
        var h = request.Hyperparameters;
        var tokensPerStep = (long)h.MicroBatch * h.GradientAccumulation * config.MaxPositionEmbeddings;
        var stages = new List<StagePlan>();
        var first = 0;
        for (var i = 0; i < request.Stages.Count; i++)
        {
            var s = request.Stages[i];
            if (data[i].TrainTokens <= config.MaxPositionEmbeddings)
                throw new TrainingRefusedException("data", $"stage {i}: {data[i].Name} has {data[i].TrainTokens} training tokens, " +
                                                           $"not one window of the context length {config.MaxPositionEmbeddings} + 1");
            var steps = (int)Math.Min(int.MaxValue / 2, (s.Tokens + tokensPerStep - 1) / tokensPerStep);
            var rates = new LearningRates(s.LearningRate ?? h.LearningRate, s.MinLearningRate ?? h.MinLearningRate,
                Math.Min(s.WarmupSteps ?? h.WarmupSteps, steps), s.Schedule ?? h.Schedule, steps);
            stages.Add(new StagePlan(i, data[i], s.Tokens, first, steps, rates));
            first += steps;
        }
        return new TrainingPlan(jobId, request, config, tokenizer, stages);
    }

    /// <summary>The configuration of a pretrain job: its preset with the explicit fields, the data's vocabulary and
    /// end-of-text as beginning and end of sequence.</summary>
    public static LlamaConfig ConfigFor(ModelSpec spec, DataTokenizer tokenizer)
    {
        var p = ModelPresets.Resolve(spec);
        return new LlamaConfig
        {
            VocabSize = tokenizer.VocabularySize, HiddenSize = p.Hidden, IntermediateSize = p.Intermediate, NumHiddenLayers = p.Layers,
            NumAttentionHeads = p.Heads, NumKeyValueHeads = p.KeyValueHeads, MaxPositionEmbeddings = p.Context,
            TieWordEmbeddings = p.TieEmbeddings, RopeTheta = spec.RopeTheta ?? 10000.0,
            BosTokenId = tokenizer.EndOfText, EosTokenId = tokenizer.EndOfText,
        };
    }
}
