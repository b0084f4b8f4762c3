using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Tests;

/// <summary>The job read model's ordering rules applied in a known order, without the bus in between.</summary>
public sealed class JobProjectionTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private async Task ApplyAsync(Func<JobProjection, Task> change)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        await change(scope.ServiceProvider.GetRequiredService<JobProjection>());
    }

    private async Task<JobView> JobAsync(string service, string job)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Jobs.AsNoTracking()
            .SingleAsync(j => j.Service == service && j.Job == job);
    }

    private static JobProgressed Progress(string job, string step, int done, int total, int second, string? waitingFor = null) => new()
    {
        Service = JobServices.Dedup, Job = job, CorpusId = Guid.Parse("00000000-0000-0000-0000-00000000000a"), Step = step, Done = done,
        Total = total, WaitingFor = waitingFor, At = T0.AddSeconds(second),
    };

    [Fact]
    public async Task ProgressArrivingOutOfOrder_KeepsTheLatest()
    {
        const string job = "ordered/rpv2-0.8";
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "hash shards", 1, 3, 1), default));
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 2, 4, 5), default));

        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "hash shards", 3, 3, 3), default));

        var row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal((JobStates.Running, "link partitions", 2, 4), (row.State, row.Step, row.Done, row.Total));
        Assert.Equal(T0.AddSeconds(5).UtcDateTime, DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc));
        Assert.Equal(Guid.Parse("00000000-0000-0000-0000-00000000000a"), row.CorpusId);
    }

    [Fact]
    public async Task ProgressOfTheSameStep_StampedLaterWithASmallerCount_DoesNotTakeTheCountBack()
    {
        // Two items of one step stamp, then read their records: the first to stamp read after a third item recorded.
        const string job = "stamped/rpv2-0.8";
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "hash shards", 3, 4, 1), default));
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "hash shards", 2, 4, 2), default));

        var row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal(("hash shards", 3, 4), (row.Step, row.Done, row.Total));

        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "hash shards", 4, 4, 3), default));
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 0, 2, 4), default));
        row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal(("link partitions", 0, 2), (row.Step, row.Done, row.Total));
    }

    [Fact]
    public async Task AJobWaiting_IsWaiting_ThenRunningAgain()
    {
        const string job = "waits/rpv2-0.8";
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "waiting", 0, 0, 1, waitingFor: "signals of corpus waits"), default));
        var waiting = await JobAsync(JobServices.Dedup, job);
        Assert.Equal((JobStates.Waiting, "signals of corpus waits"), (waiting.State, waiting.WaitingFor));

        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 0, 2, 2), default));

        var row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal((JobStates.Running, (string?)null, "link partitions"), (row.State, row.WaitingFor, row.Step));
    }

    [Fact]
    public async Task AFinishedJob_IsDone_AndLaterProgressOrFailureChangesNothing()
    {
        const string job = "finished/rpv2-0.8";
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 2, 3, 1), default));
        // The completion was sent before the last progress by another process's clock: it ends the job all the same.
        await ApplyAsync(p => p.DoneAsync(JobServices.Dedup, job, null, null, T0.UtcDateTime, default));

        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 3, 3, 9), default));
        await ApplyAsync(p => p.FailedAsync(JobServices.Dedup, job, null, null, "link partition 2", T0.AddSeconds(10).UtcDateTime, default));

        var row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal((JobStates.Done, "link partitions", 3, 3), (row.State, row.Step, row.Done, row.Total));
    }

    [Fact]
    public async Task AFailedStep_FailsTheJob_NamingTheStep()
    {
        const string job = "broken/rpv2-0.8";
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 1, 3, 1), default));

        await ApplyAsync(p => p.FailedAsync(JobServices.Dedup, job, null, null, "link partition 2", T0.AddSeconds(2).UtcDateTime, default));
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "link partitions", 2, 3, 3), default));

        var row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal((JobStates.Failed, "link partition 2", 1), (row.State, row.Step, row.Done));
    }

    [Fact]
    public async Task ARestart_ReopensAnEndedJob_ButALateStartChangesNothing()
    {
        const string job = "rerun/rpv2-0.8";
        await ApplyAsync(p => p.DoneAsync(JobServices.Dedup, job, null, null, T0.AddSeconds(1).UtcDateTime, default));
        await ApplyAsync(p => p.StartedAsync(JobServices.Dedup, job, null, JobProjection.RequestedStep, T0.AddSeconds(2).UtcDateTime, default));
        await ApplyAsync(p => p.ProgressedAsync(Progress(job, "hash shards", 1, 3, 3), default));

        await ApplyAsync(p => p.StartedAsync(JobServices.Dedup, job, null, JobProjection.RequestedStep, T0.AddSeconds(2).UtcDateTime, default));

        var row = await JobAsync(JobServices.Dedup, job);
        Assert.Equal((JobStates.Running, "hash shards", 1, 3), (row.State, row.Step, row.Done, row.Total));
    }

    private static JobProgressed OfRequest(Guid requestId, string job, string step, int second, string? waitingFor = null) =>
        Progress(job, step, 0, 0, second, waitingFor) with { Service = JobServices.Curation, CorpusId = null, RequestId = requestId };

    [Fact]
    public async Task ARequestWaitingUnderItsDataset_IsReplacedByItsVersion_OnceTheVersionReports()
    {
        var requestId = Guid.NewGuid();
        await ApplyProgressAsync(OfRequest(requestId, "provisional", "waiting", 1, waitingFor: "signals (rpv2) of corpus web"));
        Assert.Equal(JobStates.Waiting, (await JobAsync(JobServices.Curation, "provisional")).State);

        await ApplyProgressAsync(OfRequest(requestId, "provisional@0123456789ab", "parts", 2) with { Total = 3 });

        var jobs = await JobsOfRequestAsync(requestId);
        Assert.Equal(["provisional@0123456789ab"], jobs.Select(j => j.Job));
    }

    [Fact]
    public async Task ARequestFailingBeforeItsVersionHasAName_FailsTheJobWaitingInItsName()
    {
        var requestId = Guid.NewGuid();
        await ApplyProgressAsync(OfRequest(requestId, "never-named", "waiting", 1, waitingFor: "signals (rpv2) of corpus web"));

        await ApplyAsync(p => p.RequestFailedAsync(JobServices.Curation, requestId, "request", T0.AddSeconds(2).UtcDateTime, default));

        var row = await JobAsync(JobServices.Curation, "never-named");
        Assert.Equal((JobStates.Failed, "request", (string?)null), (row.State, row.Step, row.WaitingFor));
    }

    private Task ApplyProgressAsync(JobProgressed e) => ApplyAsync(p => p.ProgressedAsync(e, default));

    private async Task<List<JobView>> JobsOfRequestAsync(Guid requestId)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Jobs.AsNoTracking().Where(j => j.RequestId == requestId).ToListAsync();
    }
}
