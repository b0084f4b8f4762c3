using MassTransit;

namespace Refinery.Hosting.Jobs;

/// <summary>Who asks a job run as work items for its next step.</summary>
public enum StepCaller
{
    /// <summary>The request, or a step that finished once (a merge): sends whatever the first unfinished stage still
    /// lacks, so a request repeated after a crash or a lost message resumes where the job stopped.</summary>
    SendMissing,

    /// <summary>A work item that has just recorded its result: the rest of its stage is on its way, so it sends only
    /// what the completion of its stage starts, and only once of all the items that complete it at the same moment.</summary>
    AfterRecording,
}

/// <summary>One stage of a job's work items on the bus: the queue they go to, how many there are, which are recorded,
/// and each one's message.</summary>
public sealed record JobStage(string Queue, int Count, IReadOnlySet<int> Recorded, Func<int, object> Item)
{
    private static readonly IReadOnlySet<int> None = new HashSet<int>(), Done = new HashSet<int> { 0 };

    /// <summary>A conditional write that records the stage as started, true for the one caller that started it, so
    /// that of several items completing the stage before at once only one sends this one (<c>FinishOnce</c>). Null for a
    /// stage that only a request or a step that finished once ever starts.</summary>
    public Func<CancellationToken, Task<bool>>? Start { get; init; }

    /// <summary>A stage of one step whose consumer finishes once by itself (a merge, a finish): whoever completes the
    /// stage before it sends it.</summary>
    public bool IsSingle { get; private init; }

    public bool IsComplete => Recorded.Count >= Count;

    public static JobStage Single(string queue, object message, bool done = false) =>
        new(queue, 1, done ? Done : None, _ => message) { IsSingle = true };
}

/// <summary>The one rule by which a job run as work items moves through its stages, for every service (Dedup: hash
/// the shards, link the partitions, finish; Curation: each ranking round and its merge, the parts, the finish).
/// Every consumer of the job's messages asks here what to send next, so a job's order lives in one place.</summary>
public static class JobStages
{
    /// <param name="stages">The job's stages in order, each built only once every stage before it is complete (a stage may
    /// depend on those before it). A stage that returns null has nothing to do.</param>
    /// <param name="isRepeat">Whether the caller's message was delivered or tried before (<c>FinishOnce.IsRepeat</c>): its
    /// first attempt may have stopped between starting a stage and sending it, so it sends again.</param>
    public static async Task ContinueAsync(ISendEndpointProvider sender, IEnumerable<Func<CancellationToken, Task<JobStage?>>> stages,
        StepCaller caller, bool isRepeat, CancellationToken ct)
    {
        foreach (var build in stages)
        {
            if (await build(ct) is not { } stage || stage.IsComplete) continue;
            if (caller == StepCaller.AfterRecording && !stage.IsSingle)
            {
                // Items already recorded here: the stage is under way, and the caller is one of them.
                if (stage.Recorded.Count > 0 || stage.Start is null) return;
                if (!await stage.Start(ct) && !isRepeat) return;
            }
            else if (stage.Start is not null)
            {
                // A request marks the stage started too, so a late duplicate of an earlier item does not send it again.
                await stage.Start(ct);
            }
            var endpoint = await sender.GetSendEndpoint(new Uri($"queue:{stage.Queue}"));
            for (var i = 0; i < stage.Count; i++)
                if (!stage.Recorded.Contains(i)) await endpoint.Send(stage.Item(i), ct);
            return;
        }
    }
}
