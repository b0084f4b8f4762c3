using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Refinery.Contracts.Training;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Runtime;
using Refinery.Storage;
using Refinery.TestSupport;
using Refinery.Training.Checkpoints;
using Refinery.Training.Run;

namespace Refinery.EndToEndTests;

public sealed class TrainingProcessKilledTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task TrainingProcessKilledMidJob_TheOtherResumesFromTheCheckpoint_WithBitIdenticalFinalWeights()
    {
        var backends = await RealBackends.CreateAsync("trainkill");
        var configuration = backends.Configuration(Path.Combine(Path.GetTempPath(), "refinery-trainkill-" + Guid.NewGuid().ToString("N")));
        configuration["Refinery:Training:JobLease"] = "00:00:05";
        configuration["Refinery:Training:JobPollInterval"] = "00:00:00.200";
        configuration["Serilog:MinimumLevel:Override:Refinery.Training"] = "Information";
        var s3 = S3ObjectStore.Create(new S3Options
        {
            Endpoint = TestInfrastructure.S3Endpoint, AccessKey = TestInfrastructure.S3AccessKey,
            SecretKey = TestInfrastructure.S3SecretKey, Bucket = backends.Bucket,
        });
        var documents = ByteTokenVersions.Shakespeare().Take(400).ToList();
        var version = await ByteTokenVersions.WriteAsync(s3, "plays", documents);
        var request = new SubmitTrainingJob
        {
            Model = new ModelSpec { Preset = ModelPreset.Tiny, Layers = 1, Hidden = 32, Heads = 2, KeyValueHeads = 1, Intermediate = 64, Context = 32 },
            Stages = [new TrainingStage { Dataset = "plays", Version = version, Tokens = 1000 * 4 * 32 }],
            Hyperparameters = new TrainingHyperparameters { MicroBatch = 4, Threads = 1, Seed = 5 },
            Intervals = new TrainingIntervals { ProgressEverySteps = 10, EvaluateEverySteps = 100, EvaluationTokens = 2048, CheckpointEverySteps = 40 },
        };
        var id = TrainingRequests.JobId(request);

        await using var gateway = await RefineryProcess.StartAsync("gateway", configuration);
        await using var first = await RefineryProcess.StartAsync("training", configuration);
        await using var second = await RefineryProcess.StartAsync("training", configuration);
        using var http = new HttpClient { BaseAddress = gateway.Url };
        http.DefaultRequestHeaders.Add("X-Api-Key", "integration-writer-key");
        using (var submitted = await http.PostAsJsonAsync("/api/training/jobs", request, Web))
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);

        // Mid-work: one process holds the lease, a checkpoint is written, and steps remain.
        await using var pg = new NpgsqlConnection(backends.Postgres);
        await pg.OpenAsync();
        var job = await WaitForJobAsync(pg, id, j => j.Checkpoint is not null, () => first.Output + second.Output);
        Assert.Equal("running", job.Status);
        var (victim, survivor) = job.Owner!.StartsWith($"{Environment.MachineName}/{first.Id}/") ? (first, second) : (second, first);
        Assert.StartsWith($"{Environment.MachineName}/{victim.Id}/", job.Owner);
        await victim.KillAsync();
        Assert.True(job.Step < 1000, $"the job was at step {job.Step} of 1000 when its process was killed");

        var done = await WaitForJobAsync(pg, id, j => j.Status is "completed" or "failed", () => survivor.Output);
        Assert.Equal(("completed", 2), (done.Status, done.Attempts));
        Assert.Contains($"Training job {id}", victim.Output);
        Assert.DoesNotContain("completed: loss", victim.Output);
        Assert.Matches($@"Training job {id}: .*resumed at step [1-9]\d*", survivor.Output);

        // The uninterrupted reference, trained here from the same request and data.
        var reference = await TrainUninterruptedAsync(request, id, documents);
        var folder = Directory.CreateTempSubdirectory("trained").FullName;
        await using (var weights = await s3.OpenReadAsync(TrainingKeys.Model(id) + ModelFolder.WeightsFile))
        await using (var file = File.Create(Path.Combine(folder, ModelFolder.WeightsFile)))
            await weights.CopyToAsync(file);
        var trained = SafetensorsFile.Read(Path.Combine(folder, ModelFolder.WeightsFile));
        Assert.Equal(reference.Keys.Order(), trained.Keys.Order());
        foreach (var (name, tensor) in reference)
            Assert.True(tensor.contiguous().data<float>().ToArray().SequenceEqual(trained[name].contiguous().data<float>().ToArray()),
                $"tensor {name} differs from the uninterrupted run");
        Directory.Delete(folder, true);
    }

    private static async Task<Dictionary<string, TorchSharp.torch.Tensor>> TrainUninterruptedAsync(SubmitTrainingJob request, string id, List<string> documents)
    {
        var root = Directory.CreateTempSubdirectory("reference").FullName;
        var store = new FileSystemObjectStore(root);
        await ByteTokenVersions.WriteAsync(store, "plays", documents);
        TorchRuntime.SetThreads(1);
        using var prepared = await JobSetup.PrepareAsync(store, id, request, default);
        using var trainer = new Trainer(prepared.Plan, prepared.Model, prepared.TrainStream, prepared.ValidationStream);
        await new TrainingLoop(prepared.Plan, trainer, new CheckpointStore(store, id), new SilentObserver()).RunAsync(default);
        var weights = trainer.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        Directory.Delete(root, true);
        return weights;
    }

    private sealed class SilentObserver : ITrainingObserver
    {
        public Task ReportAsync(CurvePoint point, int stage, double tokensPerSecond, double etaSeconds, CancellationToken ct) => Task.CompletedTask;
        public Task CheckpointedAsync(int step, string manifest, CancellationToken ct) => Task.CompletedTask;
        public Task<bool> CancelRequestedAsync(CancellationToken ct) => Task.FromResult(false);
    }

    private sealed record JobRow(string Status, string? Owner, int Attempts, int Step, string? Checkpoint);

    private static async Task<JobRow> WaitForJobAsync(NpgsqlConnection pg, string id, Func<JobRow, bool> until, Func<string> diagnostics)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            await using var query = new NpgsqlCommand(
                "SELECT \"Status\", \"LeaseOwner\", \"Attempts\", \"Step\", \"Checkpoint\" FROM training.jobs WHERE \"Id\" = @id", pg);
            query.Parameters.AddWithValue("id", id);
            await using var row = await query.ExecuteReaderAsync();
            if (!await row.ReadAsync()) continue;
            var job = new JobRow(row.GetString(0), row.IsDBNull(1) ? null : row.GetString(1), row.GetInt32(2), row.GetInt32(3),
                row.IsDBNull(4) ? null : row.GetString(4));
            if (until(job)) return job;
        }
        throw new TimeoutException($"training job {id} did not reach the expected state\n{diagnostics()}");
    }
}
