using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Training;
using Refinery.Hosting;
using Refinery.Modeling.Folders;
using Refinery.Storage;
using Refinery.Text.Tokenizers;
using Refinery.Training.Run;

namespace Refinery.Training.Outputs;

/// <summary>What a finished job leaves under <c>training/{job}/</c>: the model folder in Hugging Face's Llama layout, the
/// training log (one JSON line per curve point) and the lineage record (the data's manifests with their sha256, the
/// request, configuration, seed, code version, start and end).</summary>
public static class TrainingOutputs
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly JsonSerializerOptions Line = new(JsonSerializerDefaults.Web);

    /// <summary>Writes the model folder; returns the weights' reference.</summary>
    public static async Task<ObjectRef> WriteModelAsync(IObjectStore store, string job, Trainer trainer, TokenizerIdentity tokenizer,
        CancellationToken ct)
    {
        var folder = ScratchSpace.NewFile("model", "");
        try
        {
            ModelFolder.Save(trainer.Model, folder, DatasetTokenizer.Create(tokenizer));
            ObjectRef? weights = null;
            // The weights last: a reader that finds them finds the folder complete.
            foreach (var path in Directory.GetFiles(folder).OrderBy(p => Path.GetFileName(p) == ModelFolder.WeightsFile).ThenBy(p => p, StringComparer.Ordinal))
            {
                await using var content = File.OpenRead(path);
                var written = await store.PutAsync(TrainingKeys.Model(job) + Path.GetFileName(path), content, ct);
                if (Path.GetFileName(path) == ModelFolder.WeightsFile) weights = written;
            }
            return weights!;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<ObjectRef> WriteLogAsync(IObjectStore store, string job, IEnumerable<CurvePoint> curve, CancellationToken ct)
    {
        var text = new StringBuilder();
        foreach (var point in curve) text.Append(JsonSerializer.Serialize(point, Line)).Append('\n');
        await using var content = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        return await store.PutAsync(TrainingKeys.Log(job), content, ct);
    }

    public static async Task<ObjectRef> WriteLineageAsync(IObjectStore store, TrainingPlan plan, string? baseModel, string? baseWeightsSha256,
        long parameters, DateTimeOffset started, DateTimeOffset ended, CancellationToken ct)
    {
        var (version, commit) = CodeVersion.Current();
        var lineage = new
        {
            job = plan.JobId,
            kind = plan.Request.Kind,
            modelName = plan.Request.ModelName,
            baseModel = baseModel is null ? null : new { folder = baseModel, weightsSha256 = baseWeightsSha256 },
            datasets = plan.Stages.Select(s => new
            {
                stage = s.Index, dataset = s.Data.Dataset, version = s.Data.Version, manifest = s.Data.ManifestKey,
                manifestSha256 = s.Data.ManifestSha256, tokens = s.Tokens, steps = s.Steps,
            }),
            tokenizer = plan.Tokenizer,
            model = plan.Config,
            parameters,
            hyperparameters = plan.Hyperparameters,
            intervals = plan.Intervals,
            seed = plan.Hyperparameters.Seed,
            code = new { version, commit },
            started,
            ended,
        };
        await using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(lineage, Indented));
        return await store.PutAsync(TrainingKeys.Lineage(plan.JobId), content, ct);
    }
}
