using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Training;
using Refinery.Hosting.Jobs;
using Refinery.Training.Data;
using Refinery.Training.Domain;

namespace Refinery.Training.Jobs;

/// <summary>A claimed job: its id, the generation it belongs to and the request to run.</summary>
public sealed record ClaimedTrainingJob(string Id, int Generation, SubmitTrainingJob Request, Guid? RequestId);

/// <summary>The training job table. A job is a row in status queued (or running with an expired lease: its process died);
/// claiming is one conditional UPDATE, so competing processes never share one, and the claimant resumes from the newest
/// checkpoint.</summary>
public sealed class TrainingJobs(TrainingDbContext db, TimeProvider clock) : ILeasedJobs<ClaimedTrainingJob>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records the request as a queued job unless the job is queued, running or completed already; a failed or
    /// cancelled job is queued again (a cancelled one resumes from its last checkpoint). Returns the job as it stands and
    /// whether a run was queued.</summary>
    public async Task<(TrainingJob Job, bool Queued)> EnqueueAsync(string id, SubmitTrainingJob request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear(); // claims and renewals update rows behind the tracker's back
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == id, ct);
        if (job is not null && job.Status is not (TrainingStatus.Failed or TrainingStatus.Cancelled)) return (job, false);
        if (job is null)
        {
            job = new TrainingJob
            {
                Id = id, Status = TrainingStatus.Queued, RequestJson = JsonSerializer.Serialize(request with { RequestId = null }, Json),
                CreatedAt = now,
            };
            db.Jobs.Add(job);
        }
        job.Status = TrainingStatus.Queued;
        job.RequestId = request.RequestId;
        job.Generation++;
        job.Attempts = 0;
        job.CancelRequested = false;
        job.FailedStep = null;
        job.Error = null;
        job.LastFailedStep = null;
        job.LastError = null;
        job.LeaseOwner = null;
        job.LeaseUntil = null;
        job.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (job, true);
    }

    public async Task<ClaimedTrainingJob?> TryClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == TrainingStatus.Queued || (j.Status == TrainingStatus.Running && j.LeaseUntil < now))
            .OrderBy(j => j.UpdatedAt)
            .Select(j => new { j.Id, j.Generation, j.RequestJson, j.RequestId })
            .Take(4)
            .ToListAsync(ct);
        foreach (var c in candidates)
        {
            var claimed = await db.Jobs
                .Where(j => j.Id == c.Id && j.Generation == c.Generation &&
                            (j.Status == TrainingStatus.Queued || (j.Status == TrainingStatus.Running && j.LeaseUntil < now)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, TrainingStatus.Running)
                    .SetProperty(j => j.LeaseOwner, owner)
                    .SetProperty(j => j.LeaseUntil, now + lease)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                    .SetProperty(j => j.UpdatedAt, now), ct);
            if (claimed == 1)
                return new ClaimedTrainingJob(c.Id, c.Generation, JsonSerializer.Deserialize<SubmitTrainingJob>(c.RequestJson, Json)!, c.RequestId);
        }
        return null;
    }

    public async Task<LeasedJobAttempts> AttemptsAsync(ClaimedTrainingJob job, CancellationToken ct)
    {
        var row = await db.Jobs.Where(j => j.Id == job.Id).Select(j => new { j.Attempts, j.LastFailedStep, j.LastError }).SingleAsync(ct);
        return new LeasedJobAttempts(row.Attempts, row.LastError is null ? null : new FailedStep(row.LastFailedStep ?? LeasedJobAttempts.RunStep, row.LastError));
    }

    public async Task RecordFailureAsync(ClaimedTrainingJob job, FailedStep failure, CancellationToken ct) =>
        await Current(job).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LastFailedStep, failure.Step)
            .SetProperty(j => j.LastError, failure.Reason)
            .SetProperty(j => j.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct);

    public async Task<bool> RenewAsync(ClaimedTrainingJob job, string owner, TimeSpan lease, CancellationToken ct)
    {
        var until = clock.GetUtcNow().UtcDateTime + lease;
        return await Current(job).Where(j => j.LeaseOwner == owner && j.Status == TrainingStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), ct) == 1;
    }

    public async Task<TrainingJob?> FindAsync(string id, CancellationToken ct) =>
        await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);

    public async Task<bool> CancelRequestedAsync(ClaimedTrainingJob job, CancellationToken ct) =>
        await Current(job).Select(j => j.CancelRequested).SingleOrDefaultAsync(ct);

    /// <summary>Asks a job to stop. A queued job is cancelled at once (true); a running one stops at its next step.</summary>
    public async Task<bool> RequestCancelAsync(string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.Jobs.Where(j => j.Id == id && j.Status == TrainingStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, TrainingStatus.Cancelled).SetProperty(j => j.CancelRequested, true)
                    .SetProperty(j => j.UpdatedAt, now), ct) == 1)
            return true;
        await db.Jobs.Where(j => j.Id == id && j.Status == TrainingStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct);
        return false;
    }

    public async Task ProgressAsync(ClaimedTrainingJob job, int step, int totalSteps, string? checkpoint, CancellationToken ct) =>
        await Current(job).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Step, step)
            .SetProperty(j => j.TotalSteps, totalSteps)
            .SetProperty(j => j.Checkpoint, j => checkpoint ?? j.Checkpoint)
            .SetProperty(j => j.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct);

    /// <summary>Records the job's end (completed with its event, cancelled, or failed) if the job is still this
    /// generation's; false when it was resubmitted meanwhile.</summary>
    public async Task<bool> FinishAsync(ClaimedTrainingJob job, string status, TrainingJobCompleted? result, string? failedStep,
        string? error, CancellationToken ct) =>
        await Current(job).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.ResultJson, result is null ? null : JsonSerializer.Serialize(result, Json))
            .SetProperty(j => j.FailedStep, failedStep)
            .SetProperty(j => j.Error, error)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseUntil, (DateTime?)null)
            .SetProperty(j => j.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct) == 1;

    public static TrainingJobCompleted? ResultOf(TrainingJob job) =>
        job.ResultJson is null ? null : JsonSerializer.Deserialize<TrainingJobCompleted>(job.ResultJson, Json);

    private IQueryable<TrainingJob> Current(ClaimedTrainingJob job) =>
        db.Jobs.Where(j => j.Id == job.Id && j.Generation == job.Generation);
}
