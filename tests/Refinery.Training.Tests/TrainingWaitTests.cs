using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Training;
using Refinery.Storage;
using Refinery.TestSupport;
using Refinery.Training.Jobs;

namespace Refinery.Training.Tests;

/// <summary>A training request naming a dataset version Curation is still cutting waits for it, without holding its
/// delivery and before its job exists, and runs when DatasetVersionCreated comes.</summary>
public sealed class TrainingWaitTests
{
    private static readonly IReadOnlyList<string> Documents = ByteTokenVersions.Shakespeare().Take(300).ToList();

    [Fact]
    public async Task ASubmitBeforeItsVersionIsCut_Waits_ThenTrainsWhenTheVersionIsCreated()
    {
        await using var host = await TrainingServiceTests.StartAsync();
        var version = await VersionOfAsync(Documents);
        var request = TrainingServiceTests.Request(version, 2, Guid.NewGuid());
        var id = TrainingRequests.JobId(request);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);

        var waiting = Assert.Single(await host.PublishedAsync<JobProgressed>(1));
        Assert.Equal((JobServices.Training, JobIds.Training(id), "waiting", $"dataset version plays@{version}", request.RequestId),
            (waiting.Service, waiting.Job, waiting.Step, waiting.WaitingFor, waiting.RequestId));
        await host.QuiescentAsync();
        // No job was recorded, so no worker could claim it and fail it for want of its data.
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<TrainingJobs>().FindAsync(id, default));
        Assert.Empty(host.Harness.Published.Select<TrainingJobFailed>());

        Assert.Equal(version, await ByteTokenVersions.WriteAsync(host.Store, "plays", Documents));
        await host.Harness.Bus.Publish(await CreatedAsync(host.Store, version));

        var completed = Assert.Single(await host.PublishedAsync<TrainingJobCompleted>(1));
        Assert.Equal((id, request.RequestId), (completed.JobId, completed.RequestId));
        Assert.Empty(host.Harness.Published.Select<TrainingJobFailed>());
    }

    [Fact]
    public async Task ASubmitWaitingForAVersionThatFails_FailsAtStepData_WithTheVersionsReason()
    {
        await using var host = await TrainingServiceTests.StartAsync();
        var version = await VersionOfAsync(Documents.Take(50).ToList());
        var request = TrainingServiceTests.Request(version, 2, Guid.NewGuid());
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);
        await host.PublishedAsync<JobProgressed>(1);
        await host.QuiescentAsync();

        await host.Harness.Bus.Publish(new DatasetVersionFailed { Dataset = "plays", Version = version, Step = "part 3", Reason = "the part's shard is gone" });

        var failed = Assert.Single(await host.PublishedAsync<TrainingJobFailed>(1));
        Assert.Equal((TrainingRequests.JobId(request), "data", request.RequestId), (failed.JobId, failed.Step, failed.RequestId));
        Assert.Equal($"waited for dataset version plays@{version}, which failed: part 3: the part's shard is gone", failed.Reason);
        Assert.Empty(host.Harness.Published.Select<TrainingJobStarted>());
    }

    /// <summary>The version string the documents get (a hash of them), without writing them where the service looks.</summary>
    private static async Task<string> VersionOfAsync(IReadOnlyList<string> documents)
    {
        var elsewhere = Directory.CreateTempSubdirectory("training-wait").FullName;
        try { return await ByteTokenVersions.WriteAsync(new FileSystemObjectStore(elsewhere), "plays", documents); }
        finally { Directory.Delete(elsewhere, recursive: true); }
    }

    private static async Task<DatasetVersionCreated> CreatedAsync(IObjectStore store, string version)
    {
        var key = DatasetKeys.Of("plays", version, DatasetKeys.Manifest);
        var manifest = (await store.StatAsync(key))!;
        return new DatasetVersionCreated
        {
            Dataset = "plays", Version = version, Manifest = new ObjectRef { Bucket = "local", Key = key, Sha256 = manifest.Sha256 ?? "", Length = manifest.Length },
            Documents = Documents.Count, KeptDocuments = Documents.Count, Tokens = 0, ValidationTokens = 0,
        };
    }
}
