using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Training;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Tests;

/// <summary>The training projection's rules on SQLite, the embedded default.</summary>
public sealed class TrainingProjectionTests(KeyedGateway gateway) : TrainingProjectionRules(gateway), IClassFixture<KeyedGateway>;

/// <summary>The training projection's rules on PostgreSQL, where its conditional updates compare times the server's way.</summary>
public sealed class TrainingProjectionOnPostgresTests(RealStoreGateway gateway) : TrainingProjectionRules(gateway), IClassFixture<RealStoreGateway>;

/// <summary>The training projection's rules applied in a known order, without the bus in between: redelivered and
/// out-of-order events, runs resumed after an end, and refusals before a job had an id.</summary>
public abstract class TrainingProjectionRules(GatewayTestHost gateway)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private async Task ApplyAsync(Func<TrainingProjection, Task> change)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        await change(scope.ServiceProvider.GetRequiredService<TrainingProjection>());
    }

    private async Task<(TrainingJobView Job, List<TrainingPointView> Points)> ReadAsync(string jobId)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var projection = scope.ServiceProvider.GetRequiredService<TrainingProjection>();
        return ((await projection.FindAsync(jobId, default))!, await projection.PointsAsync(jobId, default));
    }

    private static DateTime At(int seconds) => T0.AddSeconds(seconds).UtcDateTime;

    [Fact]
    public async Task DuplicateAndOutOfOrderProgress_KeepOnePointPerStep_AndTheFiguresOfTheLatestEvent()
    {
        const string job = "0000000000a1";
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0), default));
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 10, T0.AddSeconds(10), null), default));
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 30, T0.AddSeconds(30), null), default));
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 20, T0.AddSeconds(20), validation: 3.5), default)); // late
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 20, T0.AddSeconds(20), null), default)); // the step's plain event, after
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 30, T0.AddSeconds(30), null), default)); // redelivered
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0), default)); // redelivered

        var (row, points) = await ReadAsync(job);

        Assert.Equal(TrainingJobStatuses.Running, row.Status);
        Assert.Equal([10, 20, 30], points.Select(p => p.Step));
        Assert.Equal(3.5, points[1].ValidationLoss);
        Assert.Equal((30, 30 * 4096L, 5.0 - 30 / 50.0), (row.Step, row.Tokens, row.Loss));
        Assert.Equal((3.5, 20), (row.ValidationLoss, row.ValidationStep));
        Assert.Equal((100, 123_456L, "pretrain"), (row.TotalSteps, row.Parameters, row.Kind));
    }

    [Fact]
    public async Task AfterCompletion_LateProgressAndAnEarlierRunsEndAndStart_ChangeNothing()
    {
        const string job = "0000000000a2";
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0), default));
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 90, T0.AddSeconds(90), null), default));
        await ApplyAsync(p => p.CompletedAsync(TrainingEvents.Completed(job), At(100), default));

        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 95, T0.AddSeconds(95), null), default));
        await ApplyAsync(p => p.FailedAsync(new TrainingJobFailed { JobId = job, Step = "step 50", Reason = "killed" }, At(50), default));
        await ApplyAsync(p => p.CancelledAsync(new TrainingJobCancelled { JobId = job, Step = 60 }, At(60), default));
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0.AddSeconds(200), resumedFrom: 50), default));
        await ApplyAsync(p => p.CompletedAsync(TrainingEvents.Completed(job), At(300), default)); // announced again

        var (row, points) = await ReadAsync(job);

        Assert.Equal(TrainingJobStatuses.Completed, row.Status);
        Assert.Equal((100, 0.0, 3.1), (row.Step, row.EtaSeconds, row.ValidationLoss));
        Assert.Equal((TrainingKeys.Model(job), "bytes"), (row.ModelFolder, row.Tokenizer));
        Assert.Null(row.FailedStep);
        Assert.Null(row.CancelledStep);
        Assert.Equal([90, 95], points.Select(p => p.Step)); // a late point is still a point of the curve
    }

    [Fact]
    public async Task AFailedJob_StaysFailed_UntilARunStartedAfterTheFailure_WhichAnOldFailureDoesNotEnd()
    {
        const string job = "0000000000a3";
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0), default));
        await ApplyAsync(p => p.FailedAsync(new TrainingJobFailed { JobId = job, Step = "step 50", Reason = "lease lost" }, At(50), default));
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0), default)); // the first run's start, redelivered
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 45, T0.AddSeconds(45), null), default));

        var (failed, _) = await ReadAsync(job);
        Assert.Equal((TrainingJobStatuses.Failed, "step 50", "lease lost"), (failed.Status, failed.FailedStep, failed.Error));

        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0.AddSeconds(100), resumedFrom: 40), default));
        await ApplyAsync(p => p.FailedAsync(new TrainingJobFailed { JobId = job, Step = "step 50", Reason = "lease lost" }, At(50), default)); // redelivered

        var (resumed, _) = await ReadAsync(job);
        Assert.Equal((TrainingJobStatuses.Running, 40), (resumed.Status, resumed.ResumedFromStep));
        Assert.Null(resumed.FailedStep);
        Assert.Null(resumed.Error);

        await ApplyAsync(p => p.CancelledAsync(new TrainingJobCancelled { JobId = job, Step = 70, Checkpoint = "training/x/checkpoints/00000070/manifest.json" }, At(170), default));
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 65, T0.AddSeconds(165), null), default));

        var (cancelled, _) = await ReadAsync(job);
        Assert.Equal((TrainingJobStatuses.Cancelled, (int?)70), (cancelled.Status, cancelled.CancelledStep));
        Assert.Equal(65, cancelled.Step);
    }

    [Fact]
    public async Task AnEndBeforeTheStart_IsKept_AndTheStartOnlyFillsInWhatTheJobIs()
    {
        const string job = "0000000000a4";
        await ApplyAsync(p => p.FailedAsync(new TrainingJobFailed { JobId = job, Step = "data", Reason = "unknown version" }, At(10), default));
        await ApplyAsync(p => p.StartedAsync(TrainingEvents.Started(job, T0), default));

        var (row, _) = await ReadAsync(job);

        Assert.Equal((TrainingJobStatuses.Failed, "data"), (row.Status, row.FailedStep));
        Assert.Equal((100, "pretrain"), (row.TotalSteps, row.Kind));
    }

    [Fact]
    public async Task ARefusalWithoutAJobId_FailsTheJobItsRequestSubmitted()
    {
        const string job = "0000000000a5";
        var requestId = Guid.NewGuid();
        var request = new SubmitTrainingJob { Stages = [new TrainingStage { Dataset = "web", Version = "0123456789ab", Tokens = 10 }] };
        await ApplyAsync(async p => await p.SubmittedAsync(job, request, "{}", requestId, default));

        await ApplyAsync(p => p.FailedAsync(new TrainingJobFailed { JobId = "", Step = "request", Reason = "refused", RequestId = Guid.NewGuid() }, At(1), default));
        var (untouched, _) = await ReadAsync(job);
        await ApplyAsync(p => p.FailedAsync(new TrainingJobFailed { JobId = "", Step = "request", Reason = "refused", RequestId = requestId }, At(2), default));
        var (failed, _) = await ReadAsync(job);

        Assert.Equal(TrainingJobStatuses.Submitted, untouched.Status);
        Assert.Equal((TrainingJobStatuses.Failed, "request", "refused"), (failed.Status, failed.FailedStep, failed.Error));
    }

    [Fact]
    public async Task ADivergedLoss_IsKeptAsNoValue()
    {
        const string job = "0000000000a6";
        await ApplyAsync(p => p.ProgressedAsync(TrainingEvents.Progressed(job, 10, T0, validation: double.PositiveInfinity, loss: double.NaN), default));

        var (row, points) = await ReadAsync(job);

        Assert.Equal((TrainingJobStatuses.Running, 10), (row.Status, row.Step));
        Assert.Null(row.Loss);
        Assert.Null(Assert.Single(points).Loss);
        Assert.Null(row.ValidationLoss);
    }
}

/// <summary>The loss curve's downsampling: at most the points asked, the first and the last always, validations preferred.</summary>
public sealed class LossCurveTests
{
    private static readonly IReadOnlyList<(int Step, bool Validation)> Points =
        Enumerable.Range(1, 1000).Select(i => (i * 10, i % 100 == 0)).ToArray();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(200)]
    [InlineData(999)]
    public void Downsample_KeepsTheFirstAndLast_AndAtMostN_InStepOrder(int n)
    {
        var kept = LossCurve.Downsample(Points, n, p => p.Validation);

        Assert.Equal(n, kept.Count);
        Assert.Equal(Points[0], kept[0]);
        Assert.Equal(Points[^1], kept[^1]);
        Assert.Equal(kept.OrderBy(p => p.Step), kept);
        Assert.Equal(kept.Count, kept.Distinct().Count());
    }

    [Fact]
    public void Downsample_PrefersThePointsWithAValidationLoss()
    {
        // 10 validations among 1000 points; 12 kept: every validation falls in a run of its own and is its pick.
        var kept = LossCurve.Downsample(Points, 12, p => p.Validation);

        Assert.Equal(Points.Where(p => p.Validation).Select(p => p.Step), kept.Where(p => p.Validation).Select(p => p.Step));
    }

    [Fact]
    public void Downsample_OfNoMoreThanN_IsEveryPoint_AndFewerThanTwoIsRefused()
    {
        Assert.Equal(Points, LossCurve.Downsample(Points, 1000, p => p.Validation));
        Assert.Empty(LossCurve.Downsample(Array.Empty<(int, bool)>(), 2, p => p.Item2));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossCurve.Downsample(Points, 1, p => p.Validation));
    }
}
