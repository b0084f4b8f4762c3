using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Training;
using Refinery.Hosting.Jobs;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Llama;
using Refinery.Storage;
using Refinery.Text.Tokenizers;
using Refinery.TestSupport;
using Refinery.Training.Data;

namespace Refinery.Training.Tests;

/// <summary>The training service as the host registers it (SQLite, file-system store, its leased-job worker), on the
/// in-memory test harness.</summary>
public sealed class TrainingServiceTests
{
    internal static Task<ServiceTestHost> StartAsync(IDictionary<string, string?>? settings = null) =>
        ServiceTestHost.StartAsync("training", new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Refinery:Training:JobPollInterval"] = "00:00:00.100",
        }, b => b.AddTrainingService(), TrainingServiceExtensions.AddConsumers);

    internal static SubmitTrainingJob Request(string version, int steps, Guid requestId) =>
        InProcessTraining.Request([new TrainingStage { Dataset = "plays", Version = version, Tokens = InProcessTraining.StepsOf(steps) }],
            checkpointEvery: 4, progressEvery: 2) with { RequestId = requestId };

    [Fact]
    public async Task SubmittedJob_Trains_WritesAnHfModelFolderLogAndLineage_AndAnnouncesIt()
    {
        await using var host = await StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var request = Request(version, 6, Guid.NewGuid());
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);

        var completed = (await host.PublishedAsync<TrainingJobCompleted>(1))[0];
        var id = TrainingRequests.JobId(request);
        Assert.Equal(id, completed.JobId);
        Assert.Equal(request.RequestId, completed.RequestId);
        Assert.Equal((6, 6 * 4 * 32L, TokenizerKind.Bytes), (completed.Steps, completed.Tokens, completed.Tokenizer));
        Assert.Equal(TrainingKeys.Model(id), completed.ModelFolder);
        var started = (await host.PublishedAsync<TrainingJobStarted>(1))[0];
        Assert.Equal((0, 6), (started.ResumedFromStep, started.TotalSteps));
        var progress = await host.PublishedAsync<TrainingJobProgressed>(3);
        Assert.Equal([2, 4, 6], progress.Select(p => p.Step).Order());
        Assert.Equal(completed.ValidationLoss, progress.Single(p => p.Step == 6).ValidationLoss);

        // The folder loads as a model folder, and its weights are the ones the event names.
        var folder = await DownloadAsync(host.Store, completed.ModelFolder);
        using (var model = ModelFolder.Load(folder))
            Assert.Equal(257, model.Config.VocabSize);
        Assert.Equal(completed.Weights.Sha256, (await host.Store.StatAsync(completed.ModelFolder + ModelFolder.WeightsFile))!.Sha256);
        using var lineage = JsonDocument.Parse(await ReadAsync(host.Store, completed.Lineage.Key));
        var dataset = lineage.RootElement.GetProperty("datasets")[0];
        Assert.Equal(version, dataset.GetProperty("version").GetString());
        Assert.Equal(64, dataset.GetProperty("manifestSha256").GetString()!.Length);
        Assert.Equal(TrainingKeys.Log(id), completed.Log!.Key);
        Assert.Equal(3, (await ReadAsync(host.Store, completed.Log.Key)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task SameRequestAgain_AnnouncesTheFinishedJobAgain_WithoutTrainingIt()
    {
        await using var host = await StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), Request(version, 2, Guid.NewGuid()));
        var first = (await host.PublishedAsync<TrainingJobCompleted>(1))[0];
        var again = Guid.NewGuid();
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), Request(version, 2, again));
        var second = (await host.PublishedAsync<TrainingJobCompleted>(2)).Single(c => c.RequestId == again);
        Assert.Equal(first with { RequestId = again }, second);
        await host.QuiescentAsync();
        Assert.Single(host.Harness.Published.Select<TrainingJobStarted>());
    }

    [Fact]
    public async Task InvalidOrImpossibleRequests_FailNamingTheFieldOrTheData()
    {
        await using var host = await StartAsync();
        var bad = Guid.NewGuid();
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), new SubmitTrainingJob { Stages = [], RequestId = bad });
        var missing = Guid.NewGuid();
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), Request("0123456789ab", 2, missing));
        // A version that never comes is waited for until the wait times out (the sweep a day later).
        await host.PublishedAsync<JobProgressed>(1);
        await host.QuiescentAsync();
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Equal(new JobWaitSweepResult(1, 0), await scope.ServiceProvider.GetRequiredService<JobWaitSweeper<TrainingDbContext>>()
                .SweepAsync(DateTime.UtcNow.AddHours(25), default));
        var failed = await host.PublishedAsync<TrainingJobFailed>(2, faultsExpected: true);
        var refused = failed.Single(f => f.RequestId == bad);
        Assert.Equal(("", "request"), (refused.JobId, refused.Step));
        Assert.Contains("stages", refused.Reason);
        var absent = failed.Single(f => f.RequestId == missing);
        Assert.Equal("data", absent.Step);
        Assert.Equal("waited for dataset version plays@0123456789ab for more than 24 h", absent.Reason);
    }

    [Fact]
    public async Task ContinueFromAModelWithAnotherVocabulary_FailsBeforeAnyStep_NamingBoth()
    {
        await using var host = await StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var folder = Path.Combine(host.DataDir, "other-model");
        using (var other = new LlamaModel(new LlamaConfig
               {
                   VocabSize = 300, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 1, NumAttentionHeads = 2, MaxPositionEmbeddings = 32,
               }))
            ModelFolder.Save(other, folder);
        foreach (var file in Directory.GetFiles(folder))
            await host.Store.PutAsync("models/other/1/" + Path.GetFileName(file), File.OpenRead(file));
        var request = Request(version, 2, Guid.NewGuid()) with
        {
            Kind = TrainingKind.Continue, Model = null, BaseModel = new BaseModelRef { Folder = "models/other/1/" },
        };
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);
        var failed = (await host.PublishedAsync<TrainingJobFailed>(1, faultsExpected: true))[0];
        Assert.Equal("model", failed.Step);
        Assert.Contains("300", failed.Reason);
        Assert.Contains("bytes (257 ids)", failed.Reason);
        Assert.Empty(host.Harness.Published.Select<TrainingJobStarted>());
    }

    [Fact]
    public async Task ContinueFromAGpt2Model_OnByteTokens_FailsBeforeAnyStep_NamingBothTokenizers()
    {
        await using var host = await StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var folder = Path.Combine(host.DataDir, "gpt2-model");
        using (var gpt2 = new LlamaModel(new LlamaConfig
               {
                   VocabSize = 50_257, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, MaxPositionEmbeddings = 32,
                   TieWordEmbeddings = true,
               }))
            ModelFolder.Save(gpt2, folder, DatasetTokenizer.Create(TokenizerKind.Gpt2));
        foreach (var file in Directory.GetFiles(folder))
            await host.Store.PutAsync("models/gpt2-small/1/" + Path.GetFileName(file), File.OpenRead(file));
        var request = Request(version, 2, Guid.NewGuid()) with
        {
            Kind = TrainingKind.Finetune, Model = null, BaseModel = new BaseModelRef { Folder = "models/gpt2-small/1/" },
        };
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);
        var failed = (await host.PublishedAsync<TrainingJobFailed>(1, faultsExpected: true))[0];
        Assert.Equal("model", failed.Step);
        Assert.Contains("gpt2 (50257 ids", failed.Reason);
        Assert.Contains($"plays@{version} was cut with bytes (257 ids", failed.Reason);
        Assert.Empty(host.Harness.Published.Select<TrainingJobStarted>());
    }

    [Fact]
    public async Task ContinueFromAFinishedJob_StartsFromItsWeights()
    {
        await using var host = await StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var pretrain = Request(version, 20, Guid.NewGuid());
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), pretrain);
        var baseJob = (await host.PublishedAsync<TrainingJobCompleted>(1))[0];
        var next = Request(version, 2, Guid.NewGuid()) with
        {
            Kind = TrainingKind.Continue, Model = null, BaseModel = new BaseModelRef { Job = baseJob.JobId },
        };
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), next);
        var continued = (await host.PublishedAsync<TrainingJobCompleted>(2)).Single(c => c.JobId != baseJob.JobId);
        using var lineage = JsonDocument.Parse(await ReadAsync(host.Store, continued.Lineage.Key));
        Assert.Equal(baseJob.Weights.Sha256, lineage.RootElement.GetProperty("baseModel").GetProperty("weightsSha256").GetString());
        // Continued from trained weights, its first loss is already far below the base job's first (a fresh model's).
        var progress = await host.PublishedAsync<TrainingJobProgressed>(11);
        var baseFirst = progress.Where(p => p.JobId == baseJob.JobId).MinBy(p => p.Step)!;
        var first = progress.Where(p => p.JobId == continued.JobId).MinBy(p => p.Step)!;
        Assert.True(first.Loss < baseFirst.Loss - 0.5, $"the continued job's first loss is {first.Loss}, the base job's {baseFirst.Loss}");
    }

    [Fact]
    public async Task CancelledJob_StopsWithACheckpoint_AndTheSameRequestResumesIt()
    {
        await using var host = await StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var request = Request(version, 200_000, Guid.NewGuid());
        var id = TrainingRequests.JobId(request);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);
        await host.PublishedAsync<TrainingJobProgressed>(2);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CancelTrainingJob), new CancelTrainingJob { JobId = id });
        var cancelled = (await host.PublishedAsync<TrainingJobCancelled>(1))[0];
        Assert.True(cancelled.Step is > 0 and < 200_000, $"cancelled at step {cancelled.Step}");
        Assert.Equal(TrainingKeys.Checkpoint(id, cancelled.Step) + TrainingKeys.CheckpointManifest, cancelled.Checkpoint);
        Assert.NotNull(await host.Store.StatAsync(cancelled.Checkpoint!));
        Assert.Empty(host.Harness.Published.Select<TrainingJobCompleted>());

        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request with { RequestId = Guid.NewGuid() });
        var resumed = (await host.PublishedAsync<TrainingJobStarted>(2)).Single(s => s.ResumedFromStep > 0);
        Assert.Equal(cancelled.Step, resumed.ResumedFromStep);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CancelTrainingJob), new CancelTrainingJob { JobId = id });
        await host.PublishedAsync<TrainingJobCancelled>(2);
    }

    private static async Task<string> ReadAsync(IObjectStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static async Task<string> DownloadAsync(IObjectStore store, string prefix)
    {
        var folder = Directory.CreateTempSubdirectory("model").FullName;
        await foreach (var o in store.ListAsync(prefix))
        {
            await using var source = await store.OpenReadAsync(o.Key);
            await using var target = File.Create(Path.Combine(folder, o.Key[prefix.Length..]));
            await source.CopyToAsync(target);
        }
        return folder;
    }
}
