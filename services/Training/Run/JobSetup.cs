using Refinery.Contracts.Training;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Llama;
using Refinery.Storage;
using Refinery.Text.Tokenizers;
using Refinery.Training.Data;

namespace Refinery.Training.Run;

/// <summary>A job made ready to run: its plan, its model (fresh or loaded from its base), and its data copied to a local
/// folder the job owns (deleted on dispose).</summary>
public sealed class PreparedJob(TrainingPlan plan, LlamaModel model, string folder, string? baseFolder, string? baseWeightsSha256,
    IReadOnlyDictionary<string, IReadOnlyList<(string Path, long Tokens)>> train,
    IReadOnlyDictionary<string, IReadOnlyList<(string Path, long Tokens)>> validation) : IDisposable
{
    public TrainingPlan Plan => plan;
    public LlamaModel Model => model;
    public string? BaseFolder => baseFolder;
    public string? BaseWeightsSha256 => baseWeightsSha256;
    public long Parameters { get; } = model.parameters().Sum(p => p.numel());

    public TokenStream TrainStream(DatasetVersionData data) => new(train[data.Name], data.Tokenizer.TokenBytes);

    public TokenStream? ValidationStream(DatasetVersionData data) =>
        validation[data.Name] is { Count: > 0 } files ? new TokenStream(files, data.Tokenizer.TokenBytes) : null;

    public void Dispose()
    {
        model.Dispose();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

/// <summary>Resolves a request against the object store: reads every stage's dataset manifest, loads the base model of a
/// continue or finetune job, checks that model and data agree, and copies the token files locally (checked against the
/// manifests). Everything that can make a job impossible fails here, before its first step.</summary>
public static class JobSetup
{
    public static async Task<PreparedJob> PrepareAsync(IObjectStore store, string jobId, SubmitTrainingJob request, CancellationToken ct)
    {
        var data = new List<DatasetVersionData>();
        foreach (var stage in request.Stages)
            data.Add(await DatasetVersionData.ReadAsync(store, stage.Dataset, stage.Version, ct));

        var folder = ScratchSpace.NewFile($"training-{jobId}", "");
        Directory.CreateDirectory(folder);
        LlamaModel? model = null;
        try
        {
            string? baseFolder = null, baseSha = null;
            if (request.BaseModel is { } from)
            {
                baseFolder = from.Job is { } job ? TrainingKeys.Model(job) : from.Folder!;
                TokenizerIdentity? tokenizer;
                (model, baseSha, tokenizer) = await LoadBaseAsync(store, baseFolder, Path.Combine(folder, "base"), ct);
                // A folder with tokenizer.json names its tokenizer; one without (a bare HF folder) is checked by its vocabulary.
                if (tokenizer is not null)
                {
                    foreach (var version in data)
                    {
                        try
                        {
                            TokenizerMismatchException.ThrowIfDifferent(tokenizer, version.Tokenizer.Identity, version.Name);
                        }
                        catch (TokenizerMismatchException e)
                        {
                            throw new TrainingRefusedException("model", $"the model at {baseFolder} cannot train on this data: {e.Message}", e);
                        }
                    }
                }
                else if (model.Config.VocabSize != data[0].Tokenizer.VocabularySize)
                    throw new TrainingRefusedException("model", $"the model at {baseFolder} has a vocabulary of {model.Config.VocabSize} ids; " +
                                                                $"{data[0].Name} was cut with tokenizer {data[0].Tokenizer}");
            }
            else
            {
                model = new LlamaModel(TrainingPlan.ConfigFor(request.Model ?? new ModelSpec(), data[0].Tokenizer), request.Hyperparameters.Seed);
            }
            var plan = TrainingPlan.Resolve(jobId, request, data, model.Config);

            var train = new Dictionary<string, IReadOnlyList<(string, long)>>(StringComparer.Ordinal);
            var validation = new Dictionary<string, IReadOnlyList<(string, long)>>(StringComparer.Ordinal);
            var local = Path.Combine(folder, "data");
            foreach (var version in plan.Versions)
            {
                train[version.Name] = await version.DownloadAsync(store, version.Train, local, ct);
                validation[version.Name] = await version.DownloadAsync(store, version.Validation, local, ct);
            }
            return new PreparedJob(plan, model, folder, baseFolder, baseSha, train, validation);
        }
        catch
        {
            model?.Dispose();
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    private static async Task<(LlamaModel Model, string WeightsSha256, TokenizerIdentity? Tokenizer)> LoadBaseAsync(IObjectStore store,
        string prefix, string folder, CancellationToken ct)
    {
        var weightsSha = await StoredModelFolder.DownloadAsync(store, prefix, folder, ct);
        try
        {
            return (ModelFolder.Load(folder), weightsSha, ModelFolder.ReadTokenizer(folder));
        }
        catch (ModelFolderException e)
        {
            throw new TrainingRefusedException("model", $"the model at {prefix} cannot be loaded: {e.Message}", e);
        }
    }
}
