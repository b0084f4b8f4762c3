using MassTransit;
using Refinery.Contracts.Jobs;

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

/// <summary>One stage of a job's work items on the bus: its step's name as progress shows it ("hash shards", "parts"),
/// the queue its items go to, how many there are, which are recorded, and each one's message.</summary>
public sealed record JobStage(string Step, string Queue, int Count, IReadOnlySet<int> Recorded, Func<int, object> Item)
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

    public static JobStage Single(string step, string queue, object message, bool done = false) =>
        new(step, queue, 1, done ? Done : None, _ => message) { IsSingle = true };
}

/// <summary>The one rule by which a job run as work items moves through its stages, for every service (Dedup: hash
/// the shards, link the partitions, finish; Curation: each ranking round and its merge, the parts, the finish).
/// Every consumer of the job's messages asks here what to send next, so a job's order lives in one place; and since
/// every consumer passes here, this is also where the job's progress is published (<see cref="JobProgressed"/>: the
/// recorded items of the stage under way out of its count), so a service names its stages and its job and nothing more.</summary>
public static class JobStages
{
    /// <param name="bus">The consume context (or the bus): stages are sent and progress is published through it.</param>
    /// <param name="job">Who the job is in its progress events.</param>
    /// <param name="stages">The job's stages in order, each built only once every stage before it is complete (a stage may
    /// depend on those before it). A stage that returns null has nothing to do.</param>
    /// <param name="isRepeat">Whether the caller's message was delivered or tried before (<c>FinishOnce.IsRepeat</c>): its
    /// first attempt may have stopped between starting a stage and sending it, so it sends again.</param>
    public static async Task ContinueAsync<TBus>(TBus bus, JobName job, IEnumerable<Func<CancellationToken, Task<JobStage?>>> stages,
        StepCaller caller, bool isRepeat, CancellationToken ct) where TBus : ISendEndpointProvider, IPublishEndpoint
    {
        // A stage's progress is stamped with when its recorded items were read, not when it is published: records only
        // grow and stages only advance, so of two callers publishing at once the later stamp is the further progress, and a
        // reader keeping the latest event per job never goes back.
        (JobStage Stage, DateTimeOffset ReadAt)? completed = null;
        foreach (var build in stages)
        {
            var readAt = DateTimeOffset.UtcNow;
            if (await build(ct) is not { } stage) continue;
            if (stage.IsComplete)
            {
                completed = (stage, readAt);
                continue;
            }
            var afterRecording = caller == StepCaller.AfterRecording;
            if (afterRecording && !stage.IsSingle && stage.Recorded.Count > 0)
            {
                // Items already recorded here: the stage is under way, and the caller is one of them.
                await PublishAsync(bus, job, stage, readAt, ct);
                return;
            }
            // Nothing recorded here yet, so the caller completed the stage before: of several items that complete it at
            // once each says so, in the same event.
            if (afterRecording && completed is { } done) await PublishAsync(bus, job, done.Stage, done.ReadAt, ct);
            if (afterRecording && !stage.IsSingle)
            {
                if (stage.Start is null || (!await stage.Start(ct) && !isRepeat)) return;
            }
            else if (stage.Start is not null)
            {
                // A request marks the stage started too, so a late duplicate of an earlier item does not send it again.
                await stage.Start(ct);
            }
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{stage.Queue}"));
            for (var i = 0; i < stage.Count; i++)
                if (!stage.Recorded.Contains(i)) await endpoint.Send(stage.Item(i), ct);
            // The stage now under way, from what it had recorded (0, or where a resumed job stopped).
            await PublishAsync(bus, job, stage, readAt, ct);
            return;
        }
    }

    private static Task PublishAsync(IPublishEndpoint bus, JobName job, JobStage stage, DateTimeOffset readAt, CancellationToken ct) =>
        bus.Publish(job.Progressed(stage.Step, Math.Min(stage.Recorded.Count, stage.Count), stage.Count, at: readAt), ct);
}
