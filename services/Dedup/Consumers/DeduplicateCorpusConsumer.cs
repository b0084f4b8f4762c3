using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
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
/// A finished job publishes its <see cref="CorpusDeduplicated"/> again.</summary>
public sealed class DeduplicateCorpusConsumer(IObjectStore store, DedupCatalog catalog, DedupSteps steps, IOptions<DedupOptions> options,
    TimeProvider clock, ILogger<DeduplicateCorpusConsumer> logger) : IConsumer<DeduplicateCorpus>
{
    public async Task Consume(ConsumeContext<DeduplicateCorpus> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        if (DedupRequests.Problems(message) is { Count: > 0 } problems)
            throw new PermanentFailureException(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")));
        if (DedupRequests.SignalOf(message.Keep) is { } keep && KeepValues.IndexOf(keep.Signal) is null)
            throw new PermanentFailureException($"keep: '{keep.Signal}' is not a document-level RPv2 signal");

        var (shards, documents) = await ShardsAsync(message, ct);
        var config = DedupOutputs.Config(message);
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

    /// <summary>The corpus's signal shards and the document shards they come from, in shard order; every document
    /// shard must have its signal shard, or the corpus is not ready (retried: the signals service may still be working).</summary>
    private async Task<(IReadOnlyList<ObjectRef> Signals, IReadOnlyList<ObjectRef> Documents)> ShardsAsync(DeduplicateCorpus message,
        CancellationToken ct)
    {
        var shards = await CorpusObjects.ListAsync(store, message.Corpus, message.SignalsConfig, ct);
        if (shards.Count == 0) throw new PermanentFailureException($"corpus '{message.Corpus}' has no document shards");
        var missing = shards.Where(s => s.Signals is null).Select(s => s.Shard).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"corpus '{message.Corpus}' has signals ({message.SignalsConfig}) for {shards.Count - missing.Count} " +
                                                $"of {shards.Count} shards, not for {string.Join(", ", missing.Take(5))}; not ready yet");
        return (shards.Select(s => s.Signals!).ToArray(), shards.Select(s => s.Documents).ToArray());
    }
}

/// <summary>Queue dedup-deduplicate-corpus (the command's one owner).</summary>
public sealed class DeduplicateCorpusConsumerDefinition : ConsumerDefinition<DeduplicateCorpusConsumer>
{
    public DeduplicateCorpusConsumerDefinition() => EndpointName = CommandQueues.DeduplicateCorpus;
}
