using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Options;
using Refinery.Gateway.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Gateway.Data;

/// <summary>Applies <see cref="JobProgressed"/> of every service, and the services' own start, completion and failure
/// events, to one job read model keyed by service and job. Events arrive in any order: a progress event older than the
/// row's last change, or of its step with a smaller count, or after the job ended, changes nothing; a completion ends the job whatever progress said; only a
/// start (a request, a new ingestion run) reopens an ended job.</summary>
public sealed class JobProjection(GatewayDbContext db, TimeProvider clock)
{
    public const int MaxStepLength = 128, MaxWaitingForLength = 256;

    /// <summary>The step of a dedup the gateway has requested, before its first progress; and the one step of an
    /// ingestion run (which its start event, and a failure event of an older publisher, do not name).</summary>
    public const string RequestedStep = "requested", IngestionStep = "read sources";

    /// <summary>The one step of a corpus's signals (the signals service's progress names it so).</summary>
    public const string SignalsStep = "shards";

    public async Task ProgressedAsync(JobProgressed e, CancellationToken ct)
    {
        await ApplyProgressAsync(e, ct);
        // A request may wait before its job has a business id (a dataset version is named once its inputs are all there),
        // and so be reported under a provisional one (the dataset): once the job reports under its own, that row is gone.
        if (e.RequestId is { } requestId)
        {
            var at = e.At.UtcDateTime;
            await db.Jobs.Where(j => j.Service == e.Service && j.RequestId == requestId && j.Job != e.Job && j.UpdatedAt <= at
                && (j.State == JobStates.Running || j.State == JobStates.Waiting)).ExecuteDeleteAsync(ct);
        }
    }

    private Task ApplyProgressAsync(JobProgressed e, CancellationToken ct)
    {
        var at = e.At.UtcDateTime;
        var (corpusId, requestId) = (e.CorpusId, e.RequestId);
        var state = e.WaitingFor is null ? JobStates.Running : JobStates.Waiting;
        var step = Truncate(e.Step, MaxStepLength);
        var waitingFor = e.WaitingFor is null ? null : Truncate(e.WaitingFor, MaxWaitingForLength);
        var row = new JobView
        {
            Service = e.Service, Job = e.Job, State = state, Step = step, Done = e.Done, Total = e.Total, WaitingFor = waitingFor,
            CorpusId = corpusId, RequestId = requestId, UpdatedAt = at,
        };
        // Two items of one step may read their records in one order and stamp them in the other (a stamp is taken before
        // its read), so within a step the larger count is the further progress, whatever the stamps say.
        var done = e.Done;
        return ApplyAsync(row, j => (j.State == JobStates.Running || j.State == JobStates.Waiting) && j.UpdatedAt <= at
            && !(j.Step == step && j.Done > done), s => s
            .SetProperty(j => j.State, state)
            .SetProperty(j => j.Step, step)
            .SetProperty(j => j.Done, e.Done)
            .SetProperty(j => j.Total, e.Total)
            .SetProperty(j => j.WaitingFor, waitingFor)
            .SetProperty(j => j.CorpusId, j => corpusId ?? j.CorpusId)
            .SetProperty(j => j.RequestId, j => requestId ?? j.RequestId)
            .SetProperty(j => j.UpdatedAt, at), ct);
    }

    /// <summary>A job (re)started by a request or by its service's start event: running from <paramref name="step"/>,
    /// unless the row moved on after <paramref name="sentAt"/> (a late start of an earlier run).</summary>
    public Task StartedAsync(string service, string job, Guid? corpusId, string step, DateTime? sentAt, CancellationToken ct)
    {
        var at = At(sentAt);
        var row = new JobView { Service = service, Job = job, State = JobStates.Running, Step = step, CorpusId = corpusId, UpdatedAt = at };
        return ApplyAsync(row, j => j.UpdatedAt <= at, s => s
            .SetProperty(j => j.State, JobStates.Running)
            .SetProperty(j => j.Step, step)
            .SetProperty(j => j.Done, 0)
            .SetProperty(j => j.Total, 0)
            .SetProperty(j => j.WaitingFor, (string?)null)
            .SetProperty(j => j.CorpusId, j => corpusId ?? j.CorpusId)
            .SetProperty(j => j.RequestId, (Guid?)null)
            .SetProperty(j => j.UpdatedAt, at), ct);
    }

    /// <summary>A new ingestion run of a corpus: the jobs of <paramref name="service"/> on the corpus that follow its shards
    /// as they come (signals, named by a configuration the gateway does not know) are under way again from
    /// <paramref name="step"/>, unless they moved on after <paramref name="sentAt"/>.</summary>
    public Task RestartedWithCorpusAsync(string service, Guid corpusId, string step, DateTime? sentAt, CancellationToken ct)
    {
        var at = At(sentAt);
        return db.Jobs.Where(j => j.Service == service && j.CorpusId == corpusId && j.UpdatedAt <= at).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, JobStates.Running)
            .SetProperty(j => j.Step, step)
            .SetProperty(j => j.Done, 0)
            .SetProperty(j => j.Total, 0)
            .SetProperty(j => j.WaitingFor, (string?)null)
            .SetProperty(j => j.UpdatedAt, at), ct);
    }

    /// <summary>The service's completion event: the job is done, its last step complete. It ends a running job whatever
    /// the times (the last progress may come from another process whose clock is ahead), and an ended one only when newer.</summary>
    public Task DoneAsync(string service, string job, Guid? corpusId, Guid? requestId, DateTime? sentAt, CancellationToken ct)
    {
        var at = At(sentAt);
        var row = new JobView { Service = service, Job = job, State = JobStates.Done, CorpusId = corpusId, RequestId = requestId, UpdatedAt = at };
        return ApplyAsync(row, j => j.State == JobStates.Running || j.State == JobStates.Waiting || j.UpdatedAt <= at, s => s
            .SetProperty(j => j.State, JobStates.Done)
            .SetProperty(j => j.Done, j => j.Total > 0 ? j.Total : j.Done)
            .SetProperty(j => j.WaitingFor, (string?)null)
            .SetProperty(j => j.CorpusId, j => corpusId ?? j.CorpusId)
            .SetProperty(j => j.RequestId, j => requestId ?? j.RequestId)
            .SetProperty(j => j.UpdatedAt, j => j.UpdatedAt > at ? j.UpdatedAt : at), ct);
    }

    /// <summary>The service's failure event (or a request the bus refused): the job failed at <paramref name="step"/>. A job
    /// done stays done, as in the services' own read models: the failure may be of a repeated request racing the first.</summary>
    public Task FailedAsync(string service, string job, Guid? corpusId, Guid? requestId, string step, DateTime? sentAt, CancellationToken ct) =>
        EndedAsync(JobStates.Failed, service, job, corpusId, requestId, step, sentAt, ct);

    /// <summary>The service's cancellation event: the job stopped as asked, at <paramref name="step"/>; as a failure, it
    /// ends only a job under way.</summary>
    public Task CancelledAsync(string service, string job, Guid? requestId, string step, DateTime? sentAt, CancellationToken ct) =>
        EndedAsync(JobStates.Cancelled, service, job, null, requestId, step, sentAt, ct);

    private Task EndedAsync(string state, string service, string job, Guid? corpusId, Guid? requestId, string step, DateTime? sentAt,
        CancellationToken ct)
    {
        var at = At(sentAt);
        step = Truncate(step, MaxStepLength);
        var row = new JobView
        {
            Service = service, Job = job, State = state, Step = step, CorpusId = corpusId, RequestId = requestId, UpdatedAt = at,
        };
        return ApplyAsync(row, j => j.State == JobStates.Running || j.State == JobStates.Waiting, s => s
            .SetProperty(j => j.State, state)
            .SetProperty(j => j.Step, step)
            .SetProperty(j => j.WaitingFor, (string?)null)
            .SetProperty(j => j.CorpusId, j => corpusId ?? j.CorpusId)
            .SetProperty(j => j.RequestId, j => requestId ?? j.RequestId)
            .SetProperty(j => j.UpdatedAt, j => j.UpdatedAt > at ? j.UpdatedAt : at), ct);
    }

    /// <summary>A request refused or failed before its job had a business id (a dataset request whose inputs never came):
    /// whatever job of the service is still under way in its name fails.</summary>
    public Task RequestFailedAsync(string service, Guid requestId, string step, DateTime? sentAt, CancellationToken ct)
    {
        var at = At(sentAt);
        step = Truncate(step, MaxStepLength);
        return db.Jobs.Where(j => j.Service == service && j.RequestId == requestId && (j.State == JobStates.Running || j.State == JobStates.Waiting))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobStates.Failed)
                .SetProperty(j => j.Step, step)
                .SetProperty(j => j.WaitingFor, (string?)null)
                .SetProperty(j => j.UpdatedAt, j => j.UpdatedAt > at ? j.UpdatedAt : at), ct);
    }

    /// <summary>Jobs newest first, of one service and in one state when given.</summary>
    public Task<List<JobView>> ListAsync(JobService? service, JobState? state, int limit, CancellationToken ct)
    {
        var jobs = db.Jobs.AsNoTracking();
        if (service is { } s)
        {
            var name = OptionValues<JobService>.NameOf(s);
            jobs = jobs.Where(j => j.Service == name);
        }
        if (state is { } st)
        {
            var name = OptionValues<JobState>.NameOf(st);
            jobs = jobs.Where(j => j.State == name);
        }
        return jobs.OrderByDescending(j => j.UpdatedAt).ThenBy(j => j.Service).ThenBy(j => j.Job).Take(limit).ToListAsync(ct);
    }

    public Task<JobView?> FindAsync(string service, string job, CancellationToken ct) =>
        db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Service == service && j.Job == job, ct);

    /// <summary>The dedup jobs of a corpus, by job id.</summary>
    public async Task<Dictionary<string, JobView>> DedupsOfAsync(Guid corpusId, CancellationToken ct) =>
        await db.Jobs.AsNoTracking().Where(j => j.Service == JobServices.Dedup && j.CorpusId == corpusId).ToDictionaryAsync(j => j.Job, ct);

    /// <summary>The version job a dataset request asked for: by its version once the request knows it, else the latest
    /// one whose progress named the request (a request that joins a version under way is named only by the steps it sent).</summary>
    public async Task<JobView?> OfDatasetRequestAsync(DatasetRequestView request, CancellationToken ct)
    {
        if (request.Version is { } version && await FindAsync(JobServices.Curation, JobIds.DatasetVersion(request.Dataset, version), ct) is { } job)
            return job;
        return await db.Jobs.AsNoTracking().Where(j => j.Service == JobServices.Curation && j.RequestId == request.Id)
            .OrderByDescending(j => j.UpdatedAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>Updates the row when the event applies to it; inserts it when there is none; leaves alone one it does not apply to.</summary>
    private Task ApplyAsync(JobView row, Expression<Func<JobView, bool>> applies, Action<UpdateSettersBuilder<JobView>> set, CancellationToken ct) =>
        db.UpsertAsync(row, async c =>
        {
            var matching = db.Jobs.Where(j => j.Service == row.Service && j.Job == row.Job);
            if (await matching.Where(applies).ExecuteUpdateAsync(set, c) > 0) return 1;
            return await matching.AnyAsync(c) ? 1 : 0;
        }, ct);

    /// <summary>When the event was sent, by its sender's clock (the clock progress events carry), else now.</summary>
    private DateTime At(DateTime? sentAt) =>
        sentAt is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : clock.GetUtcNow().UtcDateTime;

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;
}
