using Refinery.Contracts;
using Refinery.Contracts.Training;
using Refinery.Storage;
using Refinery.TestSupport;
using Refinery.Training.Checkpoints;
using Refinery.Training.Gc;

namespace Refinery.Training.Tests;

/// <summary>The training service's storage sweep: it never touches a running job, releases a completed job's
/// checkpoints but not its model, and leaves a cancelled job the checkpoint it resumes from.</summary>
public sealed class TrainingSweepTests
{
    private static readonly IReadOnlyList<string> Documents = ByteTokenVersions.Shakespeare().Take(300).ToList();

    [Fact]
    public async Task ASweepAtGraceZero_DuringATrainingJob_LeavesItsModelIdentical_AndAfterItReleasesOnlyItsCheckpoints()
    {
        TrainingJobCompleted unswept;
        await using (var quiet = await TrainingServiceTests.StartAsync())
        {
            var v = await ByteTokenVersions.WriteAsync(quiet.Store, "plays", Documents);
            await quiet.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), TrainingServiceTests.Request(v, 12, Guid.NewGuid()));
            unswept = (await quiet.PublishedAsync<TrainingJobCompleted>(1))[0];
        }
        await using var host = await TrainingServiceTests.StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", Documents);
        var request = TrainingServiceTests.Request(version, 12, Guid.NewGuid());
        var id = TrainingRequests.JobId(request);
        using var stop = new CancellationTokenSource();
        var sweeps = host.SweepUntilAsync<TrainingSweepRule>(stop.Token);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);
        var completed = (await host.PublishedAsync<TrainingJobCompleted>(1))[0];
        await stop.CancelAsync();
        var during = await sweeps;
        await PastTheStoresSecondAsync();
        var after = await host.SweepAsync<TrainingSweepRule>(TimeSpan.Zero);

        Assert.True(during.Count > 2, $"only {during.Count} sweeps ran during the job");
        Assert.Equal((unswept.Weights.Sha256, unswept.FinalLoss, unswept.ValidationLoss),
            (completed.Weights.Sha256, completed.FinalLoss, completed.ValidationLoss));
        var swept = during.Concat([after]).SelectMany(r => r.Swept).Select(o => o.Key).ToList();
        Assert.NotEmpty(swept); // its checkpoints, released once it completed
        Assert.All(swept, key => Assert.Equal((id, true), (TrainingKeys.CheckpointFileOf(key)?.Job, key.StartsWith(TrainingKeys.CheckpointsPrefix(id), StringComparison.Ordinal))));
        Assert.Empty(await KeysAsync(host.Store, TrainingKeys.CheckpointsPrefix(id)));
        Assert.Equal(completed.Weights.Sha256, (await host.Store.StatAsync(completed.ModelFolder + Modeling.Folders.ModelFolder.WeightsFile))!.Sha256);
        Assert.NotNull(await host.Store.StatAsync(TrainingKeys.Lineage(id)));
        Assert.NotNull(await host.Store.StatAsync(TrainingKeys.Log(id)));
    }

    [Fact]
    public async Task ACancelledJob_KeepsTheCheckpointItResumesFrom_AndLosesOlderOnesAndAKilledWritersFolder()
    {
        await using var host = await TrainingServiceTests.StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", Documents);
        var request = TrainingServiceTests.Request(version, 200_000, Guid.NewGuid());
        var id = TrainingRequests.JobId(request);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);
        // Past two checkpoints (every 4 steps), so an older complete one is kept beside the newest.
        await Until(async () => (await host.PublishedAsync<TrainingJobProgressed>(1)).Any(p => p.Step >= 10));
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CancelTrainingJob), new CancelTrainingJob { JobId = id });
        var cancelled = (await host.PublishedAsync<TrainingJobCancelled>(1))[0];
        // A process killed while writing a checkpoint left weights and no manifest.
        var killed = TrainingKeys.Checkpoint(id, cancelled.Step + 4) + CheckpointStore.Weights;
        await host.Store.PutAsync(killed, new MemoryStream([1, 2, 3]));
        var before = await KeysAsync(host.Store, TrainingKeys.CheckpointsPrefix(id));
        await PastTheStoresSecondAsync();

        var result = await host.SweepAsync<TrainingSweepRule>(TimeSpan.Zero);

        var newest = TrainingKeys.Checkpoint(id, cancelled.Step);
        var kept = await KeysAsync(host.Store, TrainingKeys.CheckpointsPrefix(id));
        Assert.Equal(before.Where(k => k.StartsWith(newest, StringComparison.Ordinal)).Order(), kept.Order());
        Assert.Contains(newest + TrainingKeys.CheckpointManifest, kept);
        Assert.Contains(killed, result.Swept.Select(o => o.Key));
        Assert.True(before.Select(k => TrainingKeys.CheckpointFileOf(k)!.Value.Step).Distinct().Count() >= 3, string.Join(", ", before));

        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request with { RequestId = Guid.NewGuid() });
        var resumed = (await host.PublishedAsync<TrainingJobStarted>(2)).Single(s => s.ResumedFromStep > 0);
        Assert.Equal(cancelled.Step, resumed.ResumedFromStep);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CancelTrainingJob), new CancelTrainingJob { JobId = id });
        await host.PublishedAsync<TrainingJobCancelled>(2);
    }

    /// <summary>Stores keep an object's time to the second (the file store gives each put a random time within its
    /// second), so a sweep at grace zero takes an object of the current second for one younger than the grace and keeps
    /// it; the final sweeps below run once every object is at least a second old.</summary>
    private static Task PastTheStoresSecondAsync() => Task.Delay(TimeSpan.FromSeconds(1.1));

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var o in store.ListAsync(prefix)) keys.Add(o.Key);
        return keys;
    }

    private static async Task<bool> Until(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(20))
            if (await condition()) return true;
        return false;
    }
}
