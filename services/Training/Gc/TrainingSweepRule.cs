using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Training;
using Refinery.Hosting.Storage;
using Refinery.Training.Data;
using Refinery.Training.Domain;

namespace Refinery.Training.Gc;

/// <summary>
/// Which of its objects the training service no longer needs, from its own job table only. Only checkpoint files
/// (<c>training/{job}/checkpoints/{step}/…</c>: weights, optimizer moments, position; about three times the model each)
/// are ever released:
/// <list type="bullet">
/// <item>every checkpoint of a <b>completed</b> job: it never resumes, and a job that continues from it reads its
/// <c>model/</c> folder, which is kept;</item>
/// <item>every checkpoint of a <b>failed or cancelled</b> job except the newest complete one its row recorded, from which
/// the same request again resumes: older ones and folders without a manifest (a writer killed mid-checkpoint).</item>
/// </list>
/// A queued or running job keeps everything (its run prunes its own checkpoints, and a queued one is about to resume);
/// so does a folder of a job with no row, and the model, log and lineage of every job.
/// </summary>
public sealed class TrainingSweepRule(TrainingDbContext db) : IStorageSweepRule
{
    public string Service => "training";

    public IReadOnlyList<string> Prefixes { get; } = [TrainingKeys.AllPrefix];

    public async Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var released = new HashSet<string>(StringComparer.Ordinal);
        var files = keys.Select(k => (Key: k, Owner: TrainingKeys.CheckpointFileOf(k))).Where(f => f.Owner is not null).ToList();
        if (files.Count == 0) return released;

        var ids = files.Select(f => f.Owner!.Value.Job).Distinct().ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id))
            .Select(j => new { j.Id, j.Status, j.Checkpoint })
            .ToDictionaryAsync(j => j.Id, ct);
        foreach (var (key, owner) in files)
        {
            if (!jobs.TryGetValue(owner!.Value.Job, out var job)) continue;
            var release = job.Status switch
            {
                TrainingStatus.Completed => true,
                TrainingStatus.Failed or TrainingStatus.Cancelled => job.Checkpoint is null || TrainingKeys.CheckpointFileOf(job.Checkpoint)?.Step != owner.Value.Step,
                _ => false,
            };
            if (release) released.Add(key);
        }
        return released;
    }
}
