using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;

namespace Refinery.Dedup.Pipeline;

/// <summary>A job's stages, in order: hash the document shards (only when exact dedup, keep = longest or verification
/// needs the texts), link the partitions, finish. Every consumer asks here what to send next, so the order lives in one place.</summary>
public static class JobProgress
{
    public enum Stage { Request, Hash, Link, Finish }

    public static bool NeedsTexts(DedupJob job) =>
        job.Exact != DedupRequests.ExactNone || job.Keep == DedupRequests.KeepLongest || job.Verify;

    /// <summary>Sends the commands of the job's current stage that are not done. A stage consumer (<paramref name="caller"/>
    /// Hash or Link) sends only when its own stage is complete, so the commands of a stage go out once, from whoever
    /// completes the stage before it; a request resends what is missing (lost or failed commands). Two hash consumers
    /// that record the last shards at the same moment both find every shard hashed: only the one whose conditional
    /// write moves the job to linking sends the partitions (<see cref="FinishOnce"/>), or a repeated delivery, whose
    /// first attempt may have stopped between that write and the sends.</summary>
    public static async Task AdvanceAsync(DedupJob job, DedupCatalog catalog, ConsumeContext context, Stage caller, CancellationToken ct)
    {
        if (NeedsTexts(job))
        {
            var hashed = (await catalog.ShardsAsync(job.Id, ct)).Select(s => s.Shard).ToHashSet();
            var shards = JobShards.DocumentsOf(job).Count;
            if (hashed.Count < shards)
            {
                if (caller != Stage.Request) return;
                var endpoint = await context.GetSendEndpoint(CommandQueues.Uri(CommandQueues.HashDedupShard));
                for (var s = 0; s < shards; s++)
                    if (!hashed.Contains(s)) await endpoint.Send(new HashDedupShard { JobId = job.Id, Shard = s }, ct);
                return;
            }
        }
        var linked = (await catalog.PartitionsAsync(job.Id, ct)).Select(p => p.Partition).ToHashSet();
        if (linked.Count < job.Partitions)
        {
            if (caller is not (Stage.Request or Stage.Hash)) return;
            // A request marks it too, so a late duplicate hash command does not send the partitions once more.
            var first = NeedsTexts(job) && await catalog.StartLinkingAsync(job.Id, ct);
            if (caller == Stage.Hash && !first && !context.IsRepeat()) return;
            var endpoint = await context.GetSendEndpoint(CommandQueues.Uri(CommandQueues.LinkDedupPartition));
            for (var p = 0; p < job.Partitions; p++)
                if (!linked.Contains(p)) await endpoint.Send(new LinkDedupPartition { JobId = job.Id, Partition = p }, ct);
            return;
        }
        await (await context.GetSendEndpoint(CommandQueues.Uri(CommandQueues.FinishDedup))).Send(new FinishDedup { JobId = job.Id }, ct);
    }
}
