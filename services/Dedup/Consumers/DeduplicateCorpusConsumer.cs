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
using Refinery.Storage;

namespace Refinery.Dedup.Consumers;

/// <summary>Starts (or finds) the dedup job of a corpus over its current signal shards and sends one
/// <see cref="LinkDedupPartition"/> per key partition; never holds the delivery for the work itself (DESIGN §7 rule 4).
/// A finished job publishes its <see cref="CorpusDeduplicated"/> again.</summary>
public sealed class DeduplicateCorpusConsumer(IObjectStore store, DedupCatalog catalog, IOptions<DedupOptions> options,
    TimeProvider clock, ILogger<DeduplicateCorpusConsumer> logger) : IConsumer<DeduplicateCorpus>
{
    public async Task Consume(ConsumeContext<DeduplicateCorpus> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        if (CorpusNames.Problem(message.Corpus) is { } problem) throw new PermanentFailureException($"corpus name '{message.Corpus}': {problem}");
        if (ConfigTags.Problem(message.SignalsConfig) is { } tagProblem)
            throw new PermanentFailureException($"signals configuration '{message.SignalsConfig}' {tagProblem}");
        try
        {
            PartitionLinker.Layout(message.Threshold);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new PermanentFailureException(ex.Message, ex);
        }

        var shards = await SignalShardsAsync(message, ct);
        var config = DedupOutputs.Config(message.SignalsConfig, message.Threshold);
        var job = await catalog.AddJobAsync(new DedupJob
        {
            Id = JobShards.JobId(message.Corpus, config, shards), CorpusId = CorpusNames.IdOf(message.Corpus), Corpus = message.Corpus,
            Config = config, Threshold = message.Threshold, Partitions = options.Value.Partitions, ShardsJson = JobShards.ToJson(shards),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        }, ct);
        if (job.Status == DedupJobStatus.Done)
        {
            logger.LogInformation("Dedup of {Corpus} at {Config} already done: {Key}", job.Corpus, job.Config, job.ClustersKey);
            await context.Publish(job.ToEvent(store.Bucket), ct);
            return;
        }
        var linked = (await catalog.PartitionsAsync(job.Id, ct)).Select(p => p.Partition).ToHashSet();
        var endpoint = await context.GetSendEndpoint(CommandQueues.Uri(CommandQueues.LinkDedupPartition));
        for (var p = 0; p < job.Partitions; p++)
            if (!linked.Contains(p)) await endpoint.Send(new LinkDedupPartition { JobId = job.Id, Partition = p }, ct);
        if (linked.Count == job.Partitions)
            await (await context.GetSendEndpoint(CommandQueues.Uri(CommandQueues.FinishDedup))).Send(new FinishDedup { JobId = job.Id }, ct);
        logger.LogInformation("Dedup job {Job}: {Corpus} at {Config} over {Shards} signal shards in {Partitions} partitions",
            job.Id, job.Corpus, job.Config, shards.Count, job.Partitions);
    }

    /// <summary>The corpus's signal shards in shard order; every document shard must have one, or the corpus is not
    /// ready (retried: the signals service may still be working).</summary>
    private async Task<IReadOnlyList<ObjectRef>> SignalShardsAsync(DeduplicateCorpus message, CancellationToken ct)
    {
        var suffix = $".{message.SignalsConfig}.parquet";
        var shards = new List<ObjectRef>();
        await foreach (var info in store.ListAsync(DedupKeys.SignalsPrefix(message.Corpus), ct))
        {
            if (!info.Key.EndsWith(suffix, StringComparison.Ordinal) || info.Key.IndexOf('/', DedupKeys.SignalsPrefix(message.Corpus).Length) >= 0) continue;
            var sha256 = info.Sha256 ?? (await store.StatAsync(info.Key, ct))?.Sha256
                ?? throw new InvalidOperationException($"the store reports no sha256 for {info.Key}");
            shards.Add(new ObjectRef { Bucket = store.Bucket, Key = info.Key, Sha256 = sha256, Length = info.Length });
        }
        var documents = 0;
        await foreach (var info in store.ListAsync(DedupKeys.DocsPrefix(message.Corpus), ct))
            if (info.Key.EndsWith(".jsonl.zst", StringComparison.Ordinal)) documents++;
        if (documents == 0) throw new PermanentFailureException($"corpus '{message.Corpus}' has no document shards");
        if (shards.Count < documents)
            throw new InvalidOperationException($"corpus '{message.Corpus}' has signals for {shards.Count} of {documents} shards ({message.SignalsConfig}); not ready yet");
        return shards.OrderBy(s => s.Key, StringComparer.Ordinal).ToArray();
    }
}

/// <summary>Queue dedup-deduplicate-corpus (the command's one owner).</summary>
public sealed class DeduplicateCorpusConsumerDefinition : ConsumerDefinition<DeduplicateCorpusConsumer>
{
    public DeduplicateCorpusConsumerDefinition() => EndpointName = CommandQueues.DeduplicateCorpus;
}
