using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Refinery.Hosting.Bus;

namespace Refinery.Hosting.Jobs;

/// <summary>Runs a service's leased jobs outside any message delivery (DESIGN §7 rule 4): claims one, renews its lease
/// while it runs, and after <see cref="LeasedJobOptions.MaxAttempts"/> claims (each run threw, or its process stopped
/// before it ended) fails it for good, naming the step and error of the last run that threw. A process that dies
/// leaves an expiring lease; another process, or this one restarted, runs the job again. A run that throws
/// <see cref="PermanentFailureException"/> fails its job at once: running it again would fail the same way.</summary>
public sealed class LeasedJobWorker<TJob>(IServiceScopeFactory scopes, JobSignal<TJob> signal, LeasedJobOptions options,
    ILogger<LeasedJobWorker<TJob>> logger) : BackgroundService where TJob : class
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Runs <see cref="LeasedJobOptions.Concurrency"/> claim loops, so a process runs that many jobs at once.</summary>
    protected override Task ExecuteAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => LoopAsync(stop), CancellationToken.None)));

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(stop)) await signal.WaitAsync(options.PollInterval, stop);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;  // stopping: the scope or the database may already be gone
            }
            catch (Exception ex)
            {
                // The database may be briefly away; the worker must outlive that.
                logger.LogError(ex, "{Job} worker loop failed; retrying", typeof(TJob).Name);
                await Task.Delay(options.PollInterval, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task<bool> RunNextAsync(CancellationToken stop)
    {
        await using var scope = scopes.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<ILeasedJobs<TJob>>();
        var job = await jobs.TryClaimAsync(_owner, options.Lease, stop);
        if (job is null) return false;
        var runner = scope.ServiceProvider.GetRequiredService<ILeasedJobRunner<TJob>>();
        var attempts = await jobs.AttemptsAsync(job, stop);
        if (attempts.Count > options.MaxAttempts)
        {
            await FailAsync(runner, job, GaveUp(attempts), stop);
            return true;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var renewing = new CancellationTokenSource();
        var renewal = RenewLeaseAsync(job, options.Lease, run, renewing.Token);
        var recorded = false;
        FailedStep? failure = null, permanent = null;
        try
        {
            recorded = await runner.RunAsync(job, run.Token);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            logger.LogWarning("Lost the lease on {Job}; another run owns it now", runner.Describe(job));
        }
        catch (PermanentFailureException ex) when (!stop.IsCancellationRequested)
        {
            permanent = new FailedStep(runner.Step, ex.Message);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            // Bad records never get here (they are quarantined): this is a failure of the whole run, such as the
            // object store being away. The lease is left to expire, so the job is tried again.
            logger.LogError(ex, "{Job} failed at {Step}; it will be tried again when its lease expires", runner.Describe(job), runner.Step);
            failure = new FailedStep(runner.Step, ex.Message);
        }
        finally
        {
            // Recording the result ended the lease, so the renewal would now find it gone: it stops before it can take
            // that for a lost lease and cancel the announcement.
            await renewing.CancelAsync();
            await renewal;
        }
        if (recorded) await runner.AnnounceAsync(job, stop);
        else if (permanent is not null) await FailAsync(runner, job, permanent, stop);
        else if (failure is not null) await jobs.RecordFailureAsync(job, failure, stop);
        return true;
    }

    private async Task FailAsync(ILeasedJobRunner<TJob> runner, TJob job, FailedStep failure, CancellationToken stop)
    {
        await runner.FailAsync(job, failure, stop);
        logger.LogError("{Job} failed for good at {Step}: {Reason}", runner.Describe(job), failure.Step, failure.Reason);
    }

    /// <summary>The failure of a job out of attempts: the last error a run recorded, or, when none threw, that the
    /// processes running it stopped.</summary>
    private FailedStep GaveUp(LeasedJobAttempts attempts) => attempts.LastFailure is { } last
        ? last with { Reason = $"gave up after {options.MaxAttempts} attempts; the last failed with: {last.Reason}" }
        : new FailedStep(LeasedJobAttempts.RunStep, $"gave up after {options.MaxAttempts} attempts (the process running it stopped each time)");

    /// <summary>Renews the lease every third of it until <paramref name="done"/>; cancels <paramref name="run"/> when the
    /// lease turns out lost.</summary>
    private async Task RenewLeaseAsync(TJob job, TimeSpan lease, CancellationTokenSource run, CancellationToken done)
    {
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(run.Token, done);
            while (!either.IsCancellationRequested)
            {
                await Task.Delay(lease / 3, either.Token);
                await using var scope = scopes.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<ILeasedJobs<TJob>>().RenewAsync(job, _owner, lease, either.Token)
                    && !done.IsCancellationRequested)
                {
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not renew the lease on {Job}", typeof(TJob).Name);
        }
    }
}

public static class LeasedJobRegistration
{
    /// <summary>Registers a service's leased jobs: its job table, its runner, the wake-up signal its consumer notifies,
    /// and the worker.</summary>
    public static IServiceCollection AddLeasedJobs<TJob, TJobs, TRunner>(this IServiceCollection services,
        Func<IServiceProvider, LeasedJobOptions> options)
        where TJob : class where TJobs : class, ILeasedJobs<TJob> where TRunner : class, ILeasedJobRunner<TJob>
    {
        services.AddSingleton<JobSignal<TJob>>();
        services.AddScoped<TJobs>();
        services.AddScoped<ILeasedJobs<TJob>>(sp => sp.GetRequiredService<TJobs>());
        services.AddScoped<ILeasedJobRunner<TJob>, TRunner>();
        services.AddHostedService(sp => new LeasedJobWorker<TJob>(sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<JobSignal<TJob>>(), options(sp), sp.GetRequiredService<ILogger<LeasedJobWorker<TJob>>>()));
        return services;
    }
}
