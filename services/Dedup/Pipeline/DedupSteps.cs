using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Jobs;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;

namespace Refinery.Dedup.Pipeline;

/// <summary>A dedup job's stages, in order (<see cref="JobStages"/>): hash the document shards (only when exact dedup,
/// keep = longest or verification needs the texts), link the partitions, finish. Every consumer asks here what to send
/// next. The partitions are started by a conditional write (working → linking), so of two hash consumers that record
/// the last shards at the same moment only one sends them. Naming the stages and the job is all it takes for the job's
/// progress to be published (<see cref="JobStages"/>).</summary>
public sealed class DedupSteps(DedupCatalog catalog)
{
    public static bool NeedsTexts(DedupJob job) =>
        job.Exact != ExactMode.None || job.Keep.Kind == KeepKind.Longest || job.Verify;

    public Task ContinueAsync(ConsumeContext context, DedupJob job, StepCaller caller, CancellationToken ct) =>
        JobStages.ContinueAsync(context, NameOf(job), Stages(job), caller, context.IsRepeat(), ct);

    /// <summary>The job in its progress events: the corpus and configuration it dedups.</summary>
    public static JobName NameOf(DedupJob job) => new(JobServices.Dedup, JobIds.Dedup(job.Corpus, job.Config), job.CorpusId);

    private IEnumerable<Func<CancellationToken, Task<JobStage?>>> Stages(DedupJob job)
    {
        yield return async ct => NeedsTexts(job)
            ? new JobStage("hash shards", CommandQueues.HashDedupShard, JobShards.DocumentsOf(job).Count,
                (await catalog.ShardsAsync(job.Id, ct)).Select(s => s.Shard).ToHashSet(),
                s => new HashDedupShard { JobId = job.Id, Shard = s })
            : null;
        yield return async ct => new JobStage("link partitions", CommandQueues.LinkDedupPartition, job.Partitions,
            (await catalog.PartitionsAsync(job.Id, ct)).Select(p => p.Partition).ToHashSet(),
            p => new LinkDedupPartition { JobId = job.Id, Partition = p })
        {
            Start = c => catalog.StartLinkingAsync(job.Id, c),
        };
        yield return _ => Task.FromResult<JobStage?>(JobStage.Single("finish", CommandQueues.FinishDedup, new FinishDedup { JobId = job.Id }));
    }
}
