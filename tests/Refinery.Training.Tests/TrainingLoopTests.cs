using Refinery.TestSupport;
using Refinery.Contracts.Training;
using Refinery.Training.Run;

namespace Refinery.Training.Tests;

public sealed class TrainingLoopTests
{
    private static TrainingStage Stage(string dataset, string version, int steps) => new() { Dataset = dataset, Version = version, Tokens = InProcessTraining.StepsOf(steps) };

    [Fact]
    public async Task TinyModel_OverfitsAFewParagraphs_LossFallsBelowOneNatPerToken()
    {
        using var run = new InProcessTraining();
        // Four short paragraphs (a few hundred bytes): small enough for a one-layer model to memorise in 250 steps.
        var version = await ByteTokenVersions.WriteAsync(run.Store, "overfit", ByteTokenVersions.Shakespeare().Take(5).ToList(), validationEvery: 5);
        var request = InProcessTraining.Request([Stage("overfit", version, 250)], progressEvery: 10, learningRate: 1e-2);
        var (outcome, _, curve, _) = await run.RunAsync(request, new RecordingObserver());
        Assert.Equal(TrainingLoop.Outcome.Completed, outcome);
        Assert.True(curve[0].Loss > 4.0, $"the first loss {curve[0].Loss} should be near ln(257) = 5.5");
        Assert.True(curve[^1].Loss < 1.0, $"the loss fell only to {curve[^1].Loss} nats/token");
        // Bits per byte: every target but end-of-text is one byte, so it is a little above loss / ln 2.
        Assert.InRange(curve[^1].BitsPerByte, curve[^1].Loss / Math.Log(2), curve[^1].Loss / Math.Log(2) * 1.05);
    }

    [Fact]
    public async Task KilledAfterACheckpoint_AndResumed_EndsWithBitIdenticalWeightsAndCurve()
    {
        using var run = new InProcessTraining();
        var version = await ByteTokenVersions.WriteAsync(run.Store, "resume", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var request = InProcessTraining.Request([Stage("resume", version, 12)], checkpointEvery: 5, evaluateEvery: 6);

        using var whole = new InProcessTraining();
        await ByteTokenVersions.WriteAsync(whole.Store, "resume", ByteTokenVersions.Shakespeare().Take(300).ToList());
        var uninterrupted = await whole.RunAsync(request, new RecordingObserver());

        using var kill = new CancellationTokenSource();
        var victim = new RecordingObserver { KillAfterCheckpoint = (5, kill) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.RunAsync(request, victim, kill.Token));
        Assert.Equal([5], victim.Checkpoints);
        Assert.Equal(5, victim.Points[^1].Point.Step);

        var survivor = new RecordingObserver();
        var resumed = await run.RunAsync(request, survivor);
        Assert.Equal(5, survivor.ResumedFrom);
        Assert.Equal(6, survivor.Points[0].Point.Step);
        Assert.Equal(uninterrupted.Weights, resumed.Weights);
        Assert.Equal(uninterrupted.Curve, resumed.Curve);
        Assert.NotNull(resumed.Curve[5].ValidationLoss);
    }

    [Fact]
    public async Task SameRequestTwice_GivesTheSameLossCurve()
    {
        using var a = new InProcessTraining();
        using var b = new InProcessTraining();
        var docs = ByteTokenVersions.Shakespeare().Skip(100).Take(200).ToList();
        var version = await ByteTokenVersions.WriteAsync(a.Store, "twice", docs);
        await ByteTokenVersions.WriteAsync(b.Store, "twice", docs);
        var request = InProcessTraining.Request([Stage("twice", version, 6)]);
        Assert.Equal((await a.RunAsync(request, new RecordingObserver())).Curve, (await b.RunAsync(request, new RecordingObserver())).Curve);
    }

    [Fact]
    public async Task Cancelled_StopsAtTheNextStep_WithACheckpointThere()
    {
        using var run = new InProcessTraining();
        var version = await ByteTokenVersions.WriteAsync(run.Store, "cancel", ByteTokenVersions.Shakespeare().Take(200).ToList());
        var request = InProcessTraining.Request([Stage("cancel", version, 400)]);
        var observer = new RecordingObserver { CancelAtOrAfterStep = 1 };
        var (outcome, _, curve, _) = await run.RunAsync(request, observer);
        Assert.Equal(TrainingLoop.Outcome.Cancelled, outcome);
        Assert.True(curve[^1].Step < 400, "the job ran to its end");
        Assert.Equal([curve[^1].Step], observer.Checkpoints);
    }

    [Fact]
    public async Task CurriculumStages_SwitchAtTheirTokenBudgets_EachWithItsOwnSchedule()
    {
        using var run = new InProcessTraining();
        var docs = ByteTokenVersions.Shakespeare();
        var first = await ByteTokenVersions.WriteAsync(run.Store, "stage-a", docs.Take(200).ToList());
        var second = await ByteTokenVersions.WriteAsync(run.Store, "stage-b", docs.Skip(200).Take(200).ToList());
        // 3.5 steps' tokens round up to 4 steps; the second stage warms up again from its own peak.
        var request = InProcessTraining.Request([
            new TrainingStage { Dataset = "stage-a", Version = first, Tokens = InProcessTraining.StepsOf(3) + 64 },
            new TrainingStage { Dataset = "stage-b", Version = second, Tokens = InProcessTraining.StepsOf(3), LearningRate = 1e-3, WarmupSteps = 1, Schedule = LearningRateSchedule.Constant },
        ]);
        var observer = new RecordingObserver();
        var (_, _, curve, plan) = await run.RunAsync(request, observer);
        Assert.Equal([4, 3], plan.Stages.Select(s => s.Steps));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], observer.Points.Select(p => p.Stage));
        Assert.Equal([1e-3, 1e-3, 1e-3], curve.Skip(4).Select(p => p.LearningRate));
        Assert.Equal(7 * 4 * 32, curve[^1].Tokens);
    }

    [Fact]
    public async Task UnknownDatasetVersion_IsRefusedBeforeAnyStep_NamingIt()
    {
        using var run = new InProcessTraining();
        var request = InProcessTraining.Request([Stage("absent", "0123456789ab", 2)]);
        var e = await Assert.ThrowsAsync<TrainingRefusedException>(() => run.RunAsync(request, new RecordingObserver()));
        Assert.Equal("data", e.Step);
        Assert.Contains("absent@0123456789ab", e.Message);
    }
}
