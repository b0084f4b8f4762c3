using Refinery.Contracts.Jobs;

namespace Refinery.Hosting.Jobs;

/// <summary>Who a job is in its progress events: its service, its business id (<see cref="JobIds"/>), and the corpus and
/// request it serves when known. A service names its job once; <see cref="JobStages"/> publishes the progress.</summary>
public sealed record JobName(string Service, string Job, Guid? CorpusId = null, Guid? RequestId = null)
{
    /// <param name="at">When <paramref name="done"/> was read; now when not given.</param>
    public JobProgressed Progressed(string step, int done, int total, string? waitingFor = null, DateTimeOffset? at = null) => new()
    {
        Service = Service, Job = Job, CorpusId = CorpusId, RequestId = RequestId, Step = step, Done = done, Total = total,
        WaitingFor = waitingFor, At = at ?? DateTimeOffset.UtcNow,
    };
}
