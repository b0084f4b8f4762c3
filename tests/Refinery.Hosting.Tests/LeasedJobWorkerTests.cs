using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
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

        Assert.Equal(1, await table.AttemptsAsync("long", default));
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

        Assert.StartsWith("gave up after 3 attempts", runner.Failed["doomed"]);
        Assert.Empty(runner.Started);
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

    /// <summary>Jobs by name: queued, owned (with attempts and renewals), or done.</summary>
    private sealed class JobTable : ILeasedJobs<string>
    {
        private readonly ConcurrentDictionary<string, (string State, int Attempts, string? Owner)> _jobs = new();
        private readonly ConcurrentDictionary<string, bool> _lost = new();
        public ConcurrentDictionary<string, int> Renewals { get; } = new();

        public void Queue(string job, int attemptsSoFar = 0) => _jobs[job] = ("queued", attemptsSoFar, null);
        public void LoseLeaseOf(string job) => _lost[job] = true;
        public void Record(string job) => _jobs[job] = ("done", _jobs[job].Attempts, null);
        public string State(string job) => _jobs[job].State;

        public Task<string?> TryClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
        {
            foreach (var (job, row) in _jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
                if (row.State == "queued" && _jobs.TryUpdate(job, ("owned", row.Attempts + 1, owner), row)) return Task.FromResult<string?>(job);
            return Task.FromResult<string?>(null);
        }

        public Task<int> AttemptsAsync(string job, CancellationToken ct) => Task.FromResult(_jobs[job].Attempts);

        public Task<bool> RenewAsync(string job, string owner, TimeSpan lease, CancellationToken ct)
        {
            Renewals.AddOrUpdate(job, 1, (_, n) => n + 1);
            return Task.FromResult(!_lost.ContainsKey(job) && _jobs[job].Owner == owner);
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
        public ConcurrentDictionary<string, string> Failed { get; } = new();

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

        public Task FailAsync(string job, string reason, CancellationToken ct)
        {
            Failed[job] = reason;
            return Task.CompletedTask;
        }
    }
}
