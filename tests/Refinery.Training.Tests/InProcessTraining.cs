using Refinery.Contracts.Training;
using Refinery.Modeling.Runtime;
using Refinery.Storage;
using Refinery.Training.Checkpoints;
using Refinery.Training.Run;

// libtorch's thread count and RNG are process-wide: the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Refinery.Training.Tests;

/// <summary>Runs training jobs in this process against a file-system object store, the way the service's runner does
/// (JobSetup → Trainer → checkpoints → TrainingLoop), without a bus or database.</summary>
internal sealed class InProcessTraining : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("training-tests").FullName;

    public InProcessTraining()
    {
        Store = new FileSystemObjectStore(Path.Combine(_root, "store"));
        ScratchSpace.UseRoot(Path.Combine(_root, "scratch"));
        TorchRuntime.SetThreads(1);
    }

    public FileSystemObjectStore Store { get; }

    /// <summary>A model small enough to take a step in milliseconds.</summary>
    public static ModelSpec Micro => new() { Preset = ModelPreset.Tiny, Layers = 1, Hidden = 32, Heads = 2, KeyValueHeads = 1, Intermediate = 64, Context = 32 };

    public static SubmitTrainingJob Request(IReadOnlyList<TrainingStage> stages, int checkpointEvery = 1000, int progressEvery = 1,
        int evaluateEvery = 0, double learningRate = 3e-3) => new()
    {
        Model = Micro,
        Stages = stages,
        Hyperparameters = new TrainingHyperparameters { MicroBatch = 4, LearningRate = learningRate, MinLearningRate = learningRate / 10, WarmupSteps = 2, Threads = 1, Seed = 11 },
        Intervals = new TrainingIntervals { ProgressEverySteps = progressEvery, EvaluateEverySteps = evaluateEvery, EvaluationTokens = 2048, CheckpointEverySteps = checkpointEvery, KeepCheckpoints = 2 },
    };

    /// <summary>Tokens of <paramref name="steps"/> steps of <see cref="Request"/>'s batch (4 windows of 32).</summary>
    public static long StepsOf(int steps) => steps * 4L * 32;

    public async Task<(TrainingLoop.Outcome Outcome, float[] Weights, IReadOnlyList<CurvePoint> Curve, TrainingPlan Plan)> RunAsync(
        SubmitTrainingJob request, RecordingObserver observer, CancellationToken ct = default)
    {
        var id = TrainingRequests.JobId(request);
        using var prepared = await JobSetup.PrepareAsync(Store, id, request, ct);
        using var trainer = new Trainer(prepared.Plan, prepared.Model, prepared.TrainStream, prepared.ValidationStream);
        var checkpoints = new CheckpointStore(Store, id);
        observer.ResumedFrom = await checkpoints.RestoreLatestAsync(trainer, ct);
        var outcome = await new TrainingLoop(prepared.Plan, trainer, checkpoints, observer).RunAsync(ct);
        return (outcome, Weights(trainer), trainer.Position.Curve.ToList(), prepared.Plan);
    }

    public static float[] Weights(Trainer trainer) =>
        trainer.Model.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.contiguous().data<float>().ToArray()).ToArray();

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>Records what a run reports; can ask it to stop after a step or stop it dead after a checkpoint.</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<(CurvePoint Point, int Stage)> Points { get; } = [];
    public List<int> Checkpoints { get; } = [];
    public int? ResumedFrom { get; set; }
    public int? CancelAtOrAfterStep { get; init; }
    /// <summary>Cancelled right after the checkpoint of this step is written, as a process killed there would stop.</summary>
    public (int Step, CancellationTokenSource Kill)? KillAfterCheckpoint { get; init; }
    private int _lastStep;

    public Task ReportAsync(CurvePoint point, int stage, double tokensPerSecond, double etaSeconds, CancellationToken ct)
    {
        Points.Add((point, stage));
        _lastStep = point.Step;
        return Task.CompletedTask;
    }

    public Task CheckpointedAsync(int step, string manifest, CancellationToken ct)
    {
        Checkpoints.Add(step);
        if (KillAfterCheckpoint is ({ } at, { } kill) && step == at) kill.Cancel();
        return Task.CompletedTask;
    }

    public Task<bool> CancelRequestedAsync(CancellationToken ct) => Task.FromResult(CancelAtOrAfterStep is { } s && _lastStep >= s);
}
