using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Ingestion;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Options;
using Refinery.Ingestion.Pipeline;

namespace Refinery.Ingestion.Jobs;

/// <summary>Runs queued ingestion jobs outside any message delivery (DESIGN §7 rule 4): claims one, keeps its
/// lease alive, publishes a shard event per shard and CorpusIngested at the end. A process that dies leaves an
/// expiring lease; another process (or this one, restarted) reruns the job, which rewrites the same shards.</summary>
public sealed class IngestionWorker(
    IServiceScopeFactory scopes,
    JobSignal signal,
    IOptions<IngestionOptions> options,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    private const int MaxAttempts = 3;
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(stop))
                    await signal.WaitAsync(options.Value.JobPollInterval, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception ex)
            {
                // The database may be briefly away; the worker must outlive that.
                logger.LogError(ex, "Ingestion worker loop failed; retrying");
                await Task.Delay(options.Value.JobPollInterval, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task<bool> RunNextAsync(CancellationToken stop)
    {
        await using var scope = scopes.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<IngestionJobs>();
        var lease = options.Value.JobLease;
        var job = await jobs.TryClaimAsync(_owner, lease, stop);
        if (job is null) return false;

        var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var command = job.Command;
        if (await jobs.AttemptsAsync(job, stop) > MaxAttempts)
        {
            await FailAsync(jobs, publisher, job, $"gave up after {MaxAttempts} attempts (the process running it stopped each time)", stop);
            return true;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var renewal = RenewLeaseAsync(job, lease, run);
        try
        {
            logger.LogInformation("Ingesting corpus {Corpus} ({CorpusId}) from {Sources} sources",
                command.Name, command.CorpusId, command.Sources.Count);
            await publisher.Publish(new CorpusIngestionStarted
            {
                CorpusId = command.CorpusId, Name = command.Name, SourceCount = command.Sources.Count, Generation = job.Generation,
            }, run.Token);
            var ingestor = scope.ServiceProvider.GetRequiredService<CorpusIngestor>();
            var summary = await ingestor.RunAsync(command, async shard =>
            {
                await jobs.RecordShardAsync(command.CorpusId, shard, run.Token);
                await publisher.Publish(new CorpusShardIngested
                {
                    CorpusId = command.CorpusId, Corpus = command.Name, Shard = shard.Shard, Documents = shard.Documents,
                    DocumentCount = shard.DocumentCount, Generation = job.Generation,
                }, run.Token);
            }, run.Token);
            await run.CancelAsync();
            await renewal;
            if (!await jobs.CompleteAsync(job, summary, stop))
            {
                logger.LogWarning("Corpus {Corpus} was resubmitted while ingesting; this run's result is dropped", command.Name);
                return true;
            }
            var corpus = await scope.ServiceProvider.GetRequiredService<IngestionDbContext>().Corpora
                .AsNoTracking().SingleAsync(c => c.Id == command.CorpusId, stop);
            await publisher.Publish(IngestionJobs.ToEvent(corpus), stop);
            logger.LogInformation("Corpus {Corpus}: read {Read}, accepted {Accepted}, rejected {Rejected}, {Shards} shards",
                command.Name, summary.Read, summary.Accepted, summary.Rejected, summary.ShardCount);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            logger.LogWarning("Lost the lease on corpus {Corpus}; another run owns it now", command.Name);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            // Per-record problems never get here (they are quarantined); this is a failure of the whole run,
            // such as the object store being away. Leave the lease to expire so the job is retried.
            logger.LogError(ex, "Ingestion of corpus {Corpus} failed; it will be retried when its lease expires", command.Name);
        }
        finally
        {
            await run.CancelAsync();
            await renewal;
        }
        return true;
    }

    private async Task FailAsync(IngestionJobs jobs, IPublishEndpoint publisher, ClaimedJob job, string reason, CancellationToken ct)
    {
        await jobs.FailAsync(job, reason, ct);
        await publisher.Publish(new CorpusIngestionFailed { CorpusId = job.CorpusId, Name = job.Command.Name, Reason = reason, Generation = job.Generation }, ct);
        logger.LogError("Corpus {Corpus} failed: {Reason}", job.Command.Name, reason);
    }

    private async Task RenewLeaseAsync(ClaimedJob job, TimeSpan lease, CancellationTokenSource run)
    {
        try
        {
            while (!run.IsCancellationRequested)
            {
                await Task.Delay(lease / 3, run.Token);
                await using var scope = scopes.CreateAsyncScope();
                var jobs = scope.ServiceProvider.GetRequiredService<IngestionJobs>();
                if (!await jobs.RenewAsync(job, _owner, lease, run.Token))
                {
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not renew the lease on corpus {CorpusId}", job.CorpusId);
        }
    }
}
