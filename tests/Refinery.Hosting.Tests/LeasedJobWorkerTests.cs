using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;

namespace Refinery.Hosting.Tests;

/// <summary>The shared worker of leased jobs, over an in-process job table that follows the same contract as a
/// service's (one claim per job at a time, attempts counted per claim, renewal only by the owner).</summary>
public sealed class LeasedJobWorkerTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task AJobThatOutlastsItsLease_IsRenewedWhileItRuns_AndRunsOnce()
    {
        var table = new JobTable();
        table.Queue("long");
        // The run ends only once its lease has been renewed three times: a worker that does not renew never ends it.
        var runner = new Runner(table, run: async (_, ct) =>
        {
            while (table.Renewals.GetValueOrDefault("long") < 3) await Task.Delay(20, ct);
        });

        await RunWorkerUntilAsync(table, runner, () => runner.Announced.Contains("long"));

        Assert.Equal(1, (await table.AttemptsAsync("long", default)).Count);
        Assert.Equal(["long"], runner.Started);
        Assert.Equal(["long"], runner.Announced);
        Assert.Empty(runner.Failed);
    }

    [Fact]
    public async Task AJobRecorded_IsAnnounced_EvenWhenARenewalFindsTheLeaseTheRecordEnded()
    {
        var table = new JobTable();
        table.Queue("recorded");
        // Between recording and returning, the run waits for a renewal that finds the job no longer leased: the moment
        // a renewal used to take for a lost lease and cancel the completion event with.
        var runner = new Runner(table, run: (_, _) => Task.CompletedTask, afterRecording: async job =>
        {
            var renewals = table.Renewals.GetValueOrDefault(job);
            while (table.Renewals.GetValueOrDefault(job) == renewals) await Task.Delay(10);
        });

        await RunWorkerUntilAsync(table, runner, () => runner.Announced.Contains("recorded"));

        Assert.Equal(["recorded"], runner.Finished);
        Assert.Equal("done", table.State("recorded"));
    }

    [Fact]
    public async Task AJobClaimedMoreThanMaxAttempts_FailsForGood_WithoutRunning()
    {
        var table = new JobTable();
        table.Queue("doomed", attemptsSoFar: 3);
        var runner = new Runner(table, run: (_, _) => Task.CompletedTask);

        await RunWorkerUntilAsync(table, runner, () => runner.Failed.ContainsKey("doomed"));

        Assert.Equal(new FailedStep("run", "gave up after 3 attempts (the process running it stopped each time)"), runner.Failed["doomed"]);
        Assert.Empty(runner.Started);
    }

    [Fact]
    public async Task ARunThatThrows_RecordsItsStepAndError_WhichTheJobFailsWith_OnceOutOfAttempts()
    {
        var table = new JobTable();
        table.Queue("flaky", attemptsSoFar: 2);
        Runner runner = null!;
        runner = new Runner(table, run: (_, _) =>
        {
            runner.Step = "write shard 3";
            throw new IOException("the object store is away");
        });

        // The third claim runs and throws; its lease expires; the fourth claim is one too many.
        await RunWorkerUntilAsync(table, runner, () => runner.Failed.ContainsKey("flaky"));

        Assert.Equal(["flaky"], runner.Started);
        Assert.Equal(new FailedStep("write shard 3", "the object store is away"), table.LastFailure("flaky"));
        Assert.Equal(new FailedStep("write shard 3", "gave up after 3 attempts; the last failed with: the object store is away"), runner.Failed["flaky"]);
    }

    [Fact]
    public async Task APermanentFailure_FailsTheJobAtOnce_OnItsFirstAttempt_NamingItsStep()
    {
        var table = new JobTable();
        table.Queue("hopeless");
        Runner runner = null!;
        runner = new Runner(table, run: (_, _) =>
        {
            runner.Step = "read sources";
            throw new PermanentFailureException("no source named web.jsonl");
        });

        await RunWorkerUntilAsync(table, runner, () => runner.Failed.ContainsKey("hopeless"));

        Assert.Equal(new FailedStep("read sources", "no source named web.jsonl"), runner.Failed["hopeless"]);
        Assert.Equal(["hopeless"], runner.Started);
        Assert.Equal(1, (await table.AttemptsAsync("hopeless", default)).Count);
        Assert.Equal("failed", table.State("hopeless"));
        // Failed for good, it is not claimed again once a lease would have expired.
        await Task.Delay(Lease * 2);
        Assert.Equal(1, (await table.AttemptsAsync("hopeless", default)).Count);
    }

    [Fact]
    public async Task ALostLease_CancelsTheRun()
    {
        var table = new JobTable();
        table.Queue("taken");
        table.LoseLeaseOf("taken");
        var cancelled = new TaskCompletionSource();
        var runner = new Runner(table, run: async (_, ct) =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(30), ct); }
            catch (OperationCanceledException) { cancelled.TrySetResult(); throw; }
        });

        await RunWorkerUntilAsync(table, runner, () => cancelled.Task.IsCompleted);

        Assert.Empty(runner.Finished);
        Assert.Empty(runner.Announced);
    }

    [Fact]
    public async Task AFailingRun_LeavesItsJobToItsLease_AndTheWorkerGoesOnWithTheNext()
    {
        var table = new JobTable();
        table.Queue("broken");
        table.Queue("fine");
        var runner = new Runner(table, run: (job, _) => job == "broken" ? throw new IOException("store away") : Task.CompletedTask);

        await RunWorkerUntilAsync(table, runner, () => runner.Finished.Contains("fine"));

        Assert.DoesNotContain("broken", runner.Finished);
        Assert.Empty(runner.Failed); // not failed for good: the lease expires and the job is tried again
        Assert.Equal("owned", table.State("broken"));
    }

    private static async Task RunWorkerUntilAsync(JobTable table, Runner runner, Func<bool> done)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(table).AddSingleton(runner);
        services.AddLeasedJobs<string, JobTable, Runner>(_ => new LeasedJobOptions(Lease, TimeSpan.FromMilliseconds(50)));
        // The table and runner are the test's own instances (AddLeasedJobs registers them scoped, by type).
        services.AddScoped<ILeasedJobs<string>>(_ => table).AddScoped<ILeasedJobRunner<string>>(_ => runner);
        await using var provider = services.BuildServiceProvider();
        var worker = provider.GetServices<IHostedService>().OfType<LeasedJobWorker<string>>().Single();
        await worker.StartAsync(default);
        try
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(20); !done() && DateTime.UtcNow < deadline;) await Task.Delay(20);
            Assert.True(done(), "the worker did not get there within 20 s");
        }
        finally
        {
            await worker.StopAsync(default);
        }
    }

    /// <summary>Jobs by name: queued, owned (with attempts, renewals and a lease that expires), done or failed.</summary>
    private sealed class JobTable : ILeasedJobs<string>
    {
        private readonly ConcurrentDictionary<string, (string State, int Attempts, string? Owner, DateTime LeaseUntil)> _jobs = new();
        private readonly ConcurrentDictionary<string, bool> _lost = new();
        private readonly ConcurrentDictionary<string, FailedStep> _failures = new();
        public ConcurrentDictionary<string, int> Renewals { get; } = new();

        public void Queue(string job, int attemptsSoFar = 0) => _jobs[job] = ("queued", attemptsSoFar, null, default);
        public void LoseLeaseOf(string job) => _lost[job] = true;
        public void Record(string job, string state = "done") => _jobs[job] = (state, _jobs[job].Attempts, null, default);
        public string State(string job) => _jobs[job].State;
        public FailedStep? LastFailure(string job) => _failures.GetValueOrDefault(job);

        public Task<string?> TryClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
        {
            var now = DateTime.UtcNow;
            foreach (var (job, row) in _jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
                if ((row.State == "queued" || (row.State == "owned" && row.LeaseUntil < now))
                    && _jobs.TryUpdate(job, ("owned", row.Attempts + 1, owner, now + lease), row))
                    return Task.FromResult<string?>(job);
            return Task.FromResult<string?>(null);
        }

        public Task<LeasedJobAttempts> AttemptsAsync(string job, CancellationToken ct) =>
            Task.FromResult(new LeasedJobAttempts(_jobs[job].Attempts, LastFailure(job)));

        public Task RecordFailureAsync(string job, FailedStep failure, CancellationToken ct)
        {
            _failures[job] = failure;
            return Task.CompletedTask;
        }

        public Task<bool> RenewAsync(string job, string owner, TimeSpan lease, CancellationToken ct)
        {
            Renewals.AddOrUpdate(job, 1, (_, n) => n + 1);
            var row = _jobs[job];
            if (_lost.ContainsKey(job) || row.Owner != owner) return Task.FromResult(false);
            return Task.FromResult(_jobs.TryUpdate(job, row with { LeaseUntil = DateTime.UtcNow + lease }, row));
        }
    }

    /// <summary>Runs a job, then records it in the table (which ends its lease, as a service's table does), then
    /// <paramref name="afterRecording"/>; announces it when the worker asks.</summary>
    private sealed class Runner(JobTable table, Func<string, CancellationToken, Task> run, Func<string, Task>? afterRecording = null)
        : ILeasedJobRunner<string>
    {
        public ConcurrentBag<string> Started { get; } = [];
        public ConcurrentBag<string> Finished { get; } = [];
        public ConcurrentBag<string> Announced { get; } = [];
        public ConcurrentDictionary<string, FailedStep> Failed { get; } = new();

        public string Step { get; set; } = "start";

        public string Describe(string job) => $"job {job}";

        public async Task<bool> RunAsync(string job, CancellationToken ct)
        {
            Started.Add(job);
            await run(job, ct);
            table.Record(job);
            if (afterRecording is not null) await afterRecording(job);
            Finished.Add(job);
            return true;
        }

        public Task AnnounceAsync(string job, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Announced.Add(job);
            return Task.CompletedTask;
        }

        public Task FailAsync(string job, FailedStep failure, CancellationToken ct)
        {
            table.Record(job, "failed");
            Failed[job] = failure;
            return Task.CompletedTask;
        }
    }
}
