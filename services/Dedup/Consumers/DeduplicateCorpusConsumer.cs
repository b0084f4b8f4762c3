using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Dedup.Options;
using Refinery.Dedup.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;
using Refinery.Storage;

namespace Refinery.Dedup.Consumers;

/// <summary>Starts (or finds) the dedup job of a corpus over its current signal and document shards and sends the
/// commands of its current stage (<see cref="DedupSteps"/>); never holds the delivery for the work itself (DESIGN §7 rule 4).
/// A finished job publishes its <see cref="CorpusDeduplicated"/> again. A corpus still being ingested, or whose signals
/// are not all computed yet, is waited for without holding the delivery (<see cref="DedupWaits"/>): the request is sent
/// again when they come.</summary>
public sealed class DeduplicateCorpusConsumer(IObjectStore store, DedupCatalog catalog, DedupSteps steps, JobWaits<DedupDbContext> waits,
    IOptions<DedupOptions> options, TimeProvider clock, ILogger<DeduplicateCorpusConsumer> logger) : IConsumer<DeduplicateCorpus>
{
    public async Task Consume(ConsumeContext<DeduplicateCorpus> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        if (DedupRequests.Problems(message) is { Count: > 0 } problems)
            throw new PermanentFailureException(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")));
        if (message.Keep.Signal is { } signal && KeepValues.IndexOf(signal) is null)
            throw new PermanentFailureException($"keep: '{signal}' is not a document-level RPv2 signal");

        var config = DedupOutputs.Config(message);
        var name = new JobName(JobServices.Dedup, JobIds.Dedup(message.Corpus, config), CorpusNames.IdOf(message.Corpus));
        if (await CorpusIngestionWaits.MustWaitAsync(store, message.Corpus, ct))
        {
            await waits.WaitAsync(context, name, CorpusIngestionWaits.ForIngestion(store, message.Corpus));
            return;
        }
        if (await ShardsAsync(message, ct) is not ({ } shards, { } documents))
        {
            await waits.WaitAsync(context, name, DedupWaits.ForSignals(store, message.Corpus, message.SignalsConfig));
            return;
        }
        var job = await catalog.AddJobAsync(new DedupJob
        {
            Id = JobShards.JobId(message.Corpus, config, shards, documents), CorpusId = CorpusNames.IdOf(message.Corpus),
            Corpus = message.Corpus, Config = config, Threshold = message.Threshold, Exact = message.Exact,
            FalsePositiveRate = message.FalsePositiveRate, Keep = message.Keep, Verify = message.Verify, ExactKey = message.ExactKey, Partitions = options.Value.Partitions,
            ShardsJson = JobShards.ToJson(shards), DocumentsJson = JobShards.ToJson(documents), CreatedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        if (job.Status == DedupJobStatus.Done)
        {
            logger.LogInformation("Dedup of {Corpus} at {Config} already done: {Key}", job.Corpus, job.Config, job.ClustersKey);
            await context.Publish(job.ToEvent(store.Bucket), ct);
            return;
        }
        await steps.ContinueAsync(context, job, StepCaller.SendMissing, ct);
        logger.LogInformation("Dedup job {Job}: {Corpus} at {Config} over {Shards} shards in {Partitions} partitions",
            job.Id, job.Corpus, job.Config, shards.Count, job.Partitions);
    }

    /// <summary>The corpus's signal shards and the document shards they come from, in shard order; null while some
    /// document shard has no signal shard yet (the signals service is still working: the request waits).</summary>
    private async Task<(IReadOnlyList<ObjectRef> Signals, IReadOnlyList<ObjectRef> Documents)?> ShardsAsync(DeduplicateCorpus message,
        CancellationToken ct)
    {
        var shards = await CorpusObjects.ListAsync(store, message.Corpus, message.SignalsConfig, ct);
        if (shards.Count == 0) throw new PermanentFailureException($"corpus '{message.Corpus}' has no document shards");
        if (shards.Any(s => s.Signals is null)) return null;
        return (shards.Select(s => s.Signals!).ToArray(), shards.Select(s => s.Documents).ToArray());
    }
}

/// <summary>Queue dedup-deduplicate-corpus (the command's one owner).</summary>
public sealed class DeduplicateCorpusConsumerDefinition : ConsumerDefinition<DeduplicateCorpusConsumer>
{
    public DeduplicateCorpusConsumerDefinition() => EndpointName = CommandQueues.DeduplicateCorpus;
}
