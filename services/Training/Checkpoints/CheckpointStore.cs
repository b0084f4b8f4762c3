using System.Globalization;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Training;
using Refinery.Modeling.Folders;
using Refinery.Storage;
using Refinery.Training.Run;
using static TorchSharp.torch;

namespace Refinery.Training.Checkpoints;

/// <summary>A job's checkpoints in the object store (<see cref="TrainingKeys.Checkpoint"/>): the weights under HF's names,
/// the optimizer's moments, and the position (step, stage, data position, pending sums, the curve so far, the torch RNG
/// state), each file uploaded first and the manifest, naming their sha256, last, so a checkpoint without a manifest is
/// one a process died writing and is ignored. Only the newest <see cref="TrainingIntervals.KeepCheckpoints"/> are kept.</summary>
public sealed class CheckpointStore(IObjectStore store, string job)
{
    public const string Weights = "model.safetensors", Optimizer = "optimizer.safetensors", PositionFile = "position.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record Manifest(string Job, int Step, IReadOnlyList<ObjectRef> Files, string RngState);

    /// <summary>Writes the trainer's state as the checkpoint of its current step, then drops the oldest beyond
    /// <paramref name="keep"/>. Returns the manifest's key.</summary>
    public async Task<string> WriteAsync(Trainer trainer, int keep, CancellationToken ct)
    {
        var step = trainer.Position.Step;
        var prefix = TrainingKeys.Checkpoint(job, step);
        var folder = ScratchSpace.NewFile("checkpoint", "");
        Directory.CreateDirectory(folder);
        try
        {
            SafetensorsFile.Write(Path.Combine(folder, Weights), trainer.Model.state_dict());
            SafetensorsFile.Write(Path.Combine(folder, Optimizer), trainer.Optimizer.State());
            await File.WriteAllTextAsync(Path.Combine(folder, PositionFile), JsonSerializer.Serialize(trainer.Position, Json), ct);
            var files = new List<ObjectRef>();
            foreach (var name in new[] { Weights, Optimizer, PositionFile })
            {
                await using var content = File.OpenRead(Path.Combine(folder, name));
                files.Add(await store.PutAsync(prefix + name, content, ct));
            }
            using var rng = random.get_rng_state();
            var manifest = new Manifest(job, step, files, Convert.ToBase64String(rng.bytes.ToArray()));
            await using (var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, Json)))
                await store.PutAsync(prefix + TrainingKeys.CheckpointManifest, json, ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        await PruneAsync(keep, ct);
        return prefix + TrainingKeys.CheckpointManifest;
    }

    /// <summary>The steps of the complete checkpoints, oldest first.</summary>
    public async Task<List<int>> CompleteStepsAsync(CancellationToken ct)
    {
        var root = TrainingKeys.CheckpointsPrefix(job);
        var steps = new List<int>();
        await foreach (var o in store.ListAsync(root, ct))
        {
            var rest = o.Key[root.Length..];
            var slash = rest.IndexOf('/');
            if (slash > 0 && rest[(slash + 1)..] == TrainingKeys.CheckpointManifest &&
                int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
                steps.Add(step);
        }
        steps.Sort();
        return steps;
    }

    /// <summary>Loads the newest complete checkpoint into the trainer (weights, optimizer, position, RNG); returns its
    /// step, or null when there is none. Every file is checked against the manifest's sha256.</summary>
    public async Task<int?> RestoreLatestAsync(Trainer trainer, CancellationToken ct)
    {
        var steps = await CompleteStepsAsync(ct);
        if (steps.Count == 0) return null;
        var prefix = TrainingKeys.Checkpoint(job, steps[^1]);
        Manifest manifest;
        await using (var json = await store.OpenReadAsync(prefix + TrainingKeys.CheckpointManifest, ct))
            manifest = await JsonSerializer.DeserializeAsync<Manifest>(json, Json, ct)
                       ?? throw new InvalidDataException($"{prefix}{TrainingKeys.CheckpointManifest} is empty");
        var folder = ScratchSpace.NewFile("restore", "");
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var file in manifest.Files)
            {
                using var bytes = await Hosting.Bus.VerifiedReads.ReadVerifiedAsync(store, file, ct);
                await File.WriteAllBytesAsync(Path.Combine(folder, file.Key[prefix.Length..]), bytes.ToArray(), ct);
            }
            var weights = SafetensorsFile.Read(Path.Combine(folder, Weights));
            var optimizer = SafetensorsFile.Read(Path.Combine(folder, Optimizer));
            try
            {
                using (no_grad())
                    foreach (var (name, target) in trainer.Model.state_dict())
                    {
                        if (!weights.TryGetValue(name, out var saved) || !saved.shape.SequenceEqual(target.shape))
                            throw new InvalidDataException($"{prefix}{Weights} does not hold '{name}' as the model has it");
                        target.copy_(saved);
                    }
                var position = JsonSerializer.Deserialize<TrainingPosition>(await File.ReadAllTextAsync(Path.Combine(folder, PositionFile), ct), Json)
                               ?? throw new InvalidDataException($"{prefix}{PositionFile} is empty");
                trainer.Restore(position, optimizer);
                using var rng = tensor(Convert.FromBase64String(manifest.RngState), ScalarType.Byte);
                random.set_rng_state(rng);
            }
            finally
            {
                foreach (var t in weights.Values.Concat(optimizer.Values)) t.Dispose();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return manifest.Step;
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> complete checkpoints, each manifest first so a folder
    /// half deleted is never taken for complete, and leftovers of incomplete ones older than the newest kept.</summary>
    private async Task PruneAsync(int keep, CancellationToken ct)
    {
        var steps = await CompleteStepsAsync(ct);
        if (steps.Count <= keep) return;
        var oldestKept = steps[^keep];
        foreach (var step in steps.Where(s => s < oldestKept))
            await store.DeleteAsync(TrainingKeys.Checkpoint(job, step) + TrainingKeys.CheckpointManifest, ct);
        var stale = new List<string>();
        await foreach (var o in store.ListAsync(TrainingKeys.CheckpointsPrefix(job), ct))
        {
            var rest = o.Key[TrainingKeys.CheckpointsPrefix(job).Length..];
            if (int.TryParse(rest.Split('/')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step < oldestKept)
                stale.Add(o.Key);
        }
        foreach (var key in stale) await store.DeleteAsync(key, ct);
    }
}
