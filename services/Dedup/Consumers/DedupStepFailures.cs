using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Dedup.Data;
using Refinery.Hosting.Jobs;

namespace Refinery.Dedup.Consumers;

/// <summary>The steps of a dedup job whose final failure (after their retries) becomes <see cref="CorpusDeduplicationFailed"/>,
/// on queue dedup-step-faults.</summary>
public sealed class DedupStepFailures(DedupCatalog catalog)
{
    public const string Queue = "dedup-step-faults";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddStepFailures<DedupStepFailures, CorpusDeduplicationFailed>(Queue)
            .Step<DeduplicateCorpus>(CommandQueues.DeduplicateCorpus, _ => "request", (_, m, s, _) => Task.FromResult<CorpusDeduplicationFailed?>(OfRequest(m, s)))
            .Step<HashDedupShard>(CommandQueues.HashDedupShard, m => $"hash shard {m.Shard}", (f, m, s, ct) => f.OfJobAsync(m.JobId, s, ct))
            .Step<LinkDedupPartition>(CommandQueues.LinkDedupPartition, m => $"link partition {m.Partition}", (f, m, s, ct) => f.OfJobAsync(m.JobId, s, ct))
            .Step<FinishDedup>(CommandQueues.FinishDedup, _ => "finish", (f, m, s, ct) => f.OfJobAsync(m.JobId, s, ct));

    /// <summary>The request names its output itself: it may fail before its job exists (no shards, unknown signal).</summary>
    private static CorpusDeduplicationFailed OfRequest(DeduplicateCorpus request, FailedStep failed) => new()
    {
        CorpusId = CorpusNames.IdOf(request.Corpus), Corpus = request.Corpus, Config = DedupOutputs.Config(request),
        Step = failed.Step, Reason = failed.Reason,
    };

    private async Task<CorpusDeduplicationFailed?> OfJobAsync(Guid jobId, FailedStep failed, CancellationToken ct) =>
        await catalog.FindJobAsync(jobId, ct) is { } job
            ? new CorpusDeduplicationFailed { CorpusId = job.CorpusId, Corpus = job.Corpus, Config = job.Config, Step = failed.Step, Reason = failed.Reason }
            : null;
}
