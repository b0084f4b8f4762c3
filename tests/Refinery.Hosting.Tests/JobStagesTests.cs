using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Jobs;
using Refinery.Hosting.Jobs;

namespace Refinery.Hosting.Tests;

/// <summary>The one rule of moving a job run as work items through its stages, on MassTransit's in-memory harness.</summary>
public sealed class JobStagesTests : IAsyncLifetime
{
    public sealed record Item(int Stage, int Number);

    private static readonly JobName Job = new(JobServices.Dedup, "web/rpv2-0.8", Guid.NewGuid());

    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private static Func<CancellationToken, Task<JobStage?>> FanOut(int stage, int count, int[] recorded, Func<CancellationToken, Task<bool>>? start = null) =>
        _ => Task.FromResult<JobStage?>(new JobStage($"step {stage}", $"stage-{stage}", count, recorded.ToHashSet(), i => new Item(stage, i)) { Start = start });

    private static Func<CancellationToken, Task<JobStage?>> Finish(int stage) =>
        _ => Task.FromResult<JobStage?>(JobStage.Single($"step {stage}", $"stage-{stage}", new Item(stage, 0)));

    private static Func<CancellationToken, Task<JobStage?>> NeverBuilt() => _ => throw new InvalidOperationException("built a stage after an unfinished one");

    private async Task<List<Item>> SentAsync()
    {
        await _harness.InactivityTask;
        return _harness.Sent.Select<Item>().Select(m => m.Context.Message).OrderBy(i => (i.Stage, i.Number)).ToList();
    }

    private async Task<List<(string Step, int Done, int Total)>> ProgressAsync()
    {
        await _harness.InactivityTask;
        return _harness.Published.Select<JobProgressed>().Select(m => m.Context.Message)
            .Select(p => (p.Step, p.Done, p.Total)).ToList();
    }

    [Fact]
    public async Task SendMissing_SendsWhatTheFirstUnfinishedStageLacks_AndBuildsNothingAfterIt()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 2, [0, 1]), FanOut(1, 3, [1]), NeverBuilt()], StepCaller.SendMissing, false, default);

        Assert.Equal([new Item(1, 0), new Item(1, 2)], await SentAsync());
    }

    [Fact]
    public async Task AfterRecording_InAStageUnderWay_SendsNothing()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 3, [0, 2]), NeverBuilt()], StepCaller.AfterRecording, false, default);

        Assert.Empty(await SentAsync());
    }

    [Fact]
    public async Task AfterRecording_TheLastItemsOfAStage_StartTheNextOnce()
    {
        var started = 0;
        Task<bool> Start(CancellationToken _) => Task.FromResult(Interlocked.Increment(ref started) == 1);
        Func<CancellationToken, Task<JobStage?>>[] stages = [FanOut(0, 2, [0, 1]), FanOut(1, 2, [], Start), Finish(2)];

        // Two items completed stage 0 at the same moment: both ask.
        await Task.WhenAll(
            JobStages.ContinueAsync(_harness.Bus, Job, stages, StepCaller.AfterRecording, false, default),
            JobStages.ContinueAsync(_harness.Bus, Job, stages, StepCaller.AfterRecording, false, default));

        Assert.Equal([new Item(1, 0), new Item(1, 1)], await SentAsync());
    }

    [Fact]
    public async Task AfterRecording_ARepeatedDelivery_SendsTheNextStageAgain_ThoughAnotherStartedIt()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 1, [0]), FanOut(1, 2, [], _ => Task.FromResult(false))],
            StepCaller.AfterRecording, isRepeat: true, default);

        Assert.Equal([new Item(1, 0), new Item(1, 1)], await SentAsync());
    }

    [Fact]
    public async Task AfterRecording_NeverStartsAStageWithoutAStartWrite()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 1, [0]), FanOut(1, 2, [])], StepCaller.AfterRecording, false, default);

        Assert.Empty(await SentAsync());
    }

    [Fact]
    public async Task AfterRecording_TheLastItemOfTheLastStage_SendsTheFinish()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 2, [0, 1]), Finish(1)], StepCaller.AfterRecording, false, default);

        Assert.Equal([new Item(1, 0)], await SentAsync());
    }

    [Fact]
    public async Task SendMissing_PublishesTheStageItResumes_FromWhatItHadRecorded()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 2, [0, 1]), FanOut(1, 3, [1])], StepCaller.SendMissing, false, default);

        Assert.Equal([("step 1", 1, 3)], await ProgressAsync());
        var progress = _harness.Published.Select<JobProgressed>().Single().Context.Message;
        Assert.Equal((JobServices.Dedup, "web/rpv2-0.8", Job.CorpusId, (string?)null), (progress.Service, progress.Job, progress.CorpusId, progress.WaitingFor));
    }

    [Fact]
    public async Task AfterRecording_InAStageUnderWay_PublishesItsRecordedItems()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 3, [0, 2]), NeverBuilt()], StepCaller.AfterRecording, false, default);

        Assert.Equal([("step 0", 2, 3)], await ProgressAsync());
    }

    [Fact]
    public async Task AfterRecording_TheLastItemOfAStage_PublishesItComplete_ThenTheNextStageStarted()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 2, [0, 1]), FanOut(1, 4, [], _ => Task.FromResult(true))],
            StepCaller.AfterRecording, false, default);

        Assert.Equal([("step 0", 2, 2), ("step 1", 0, 4)], await ProgressAsync());
    }

    [Fact]
    public async Task AfterRecording_TheLastItemOfTheLastStage_PublishesTheFinishStarted()
    {
        await JobStages.ContinueAsync(_harness.Bus, Job, [FanOut(0, 2, [0, 1]), Finish(1)], StepCaller.AfterRecording, false, default);

        Assert.Equal([("step 0", 2, 2), ("step 1", 0, 1)], await ProgressAsync());
    }
}
