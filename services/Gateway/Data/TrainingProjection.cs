using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;
using Refinery.Contracts.Training;
using Refinery.Gateway.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Gateway.Data;

/// <summary>Applies the gateway's training requests and the Training service's events to the training read model: one
/// row per job with its latest figures, and one loss-curve point per job and step. Events may be redelivered and arrive
/// in any order, so every change is a conditional update: a point is keyed by job and step; the latest figures are
/// those of the progress event sent last; an ended job (completed, failed, cancelled) stays ended except that a failed
/// or cancelled one is reopened by the start of a run sent after it ended (a resumed run); a completed job made its
/// model and stays completed; a failure or cancellation sent before the latest run started is of an earlier run.</summary>
public sealed class TrainingProjection(GatewayDbContext db, TimeProvider clock)
{
    public const int MaxErrorLength = 4000, MaxStepLength = 128, MaxKeyLength = 1024;

    /// <summary>Records a request before its command is sent, so no answer can overtake it; returns the job as it was
    /// before (null when this gateway had not heard of it).</summary>
    public async Task<TrainingJobView?> SubmittedAsync(string jobId, SubmitTrainingJob request, string requestJson, Guid requestId, CancellationToken ct)
    {
        var before = await FindAsync(jobId, ct);
        var (now, kind, name) = (Now(), OptionValues<TrainingKind>.NameOf(request.Kind), request.ModelName);
        var row = new TrainingJobView
        {
            JobId = jobId, Kind = kind, ModelName = name, Request = requestJson, RequestId = requestId, CreatedAt = now, UpdatedAt = now,
        };
        await db.UpsertAsync(row, c => db.TrainingJobs.Where(j => j.JobId == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Request, j => j.Request ?? requestJson)
            .SetProperty(j => j.Kind, j => j.Kind ?? kind)
            .SetProperty(j => j.ModelName, j => j.ModelName ?? name)
            .SetProperty(j => j.RequestId, requestId)
            .SetProperty(j => j.UpdatedAt, now), c), ct);
        return before;
    }

    /// <summary>A request whose command never reached the bus: a job still only submitted fails at "send".</summary>
    public Task SendFailedAsync(string jobId, string reason, CancellationToken ct) =>
        db.TrainingJobs.Where(j => j.JobId == jobId && j.Status == TrainingJobStatuses.Submitted).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, TrainingJobStatuses.Failed)
            .SetProperty(j => j.FailedStep, "send")
            .SetProperty(j => j.Error, reason)
            .SetProperty(j => j.UpdatedAt, Now()), ct);

    public async Task StartedAsync(TrainingJobStarted e, CancellationToken ct)
    {
        var (now, at, kind) = (Now(), e.At.UtcDateTime, OptionValues<TrainingKind>.NameOf(e.Kind));
        var row = new TrainingJobView
        {
            JobId = e.JobId, Status = TrainingJobStatuses.Running, Kind = kind, ModelName = e.ModelName, RequestId = e.RequestId,
            TotalSteps = e.TotalSteps, TotalTokens = e.TotalTokens, Parameters = e.Parameters, ResumedFromStep = e.ResumedFromStep,
            Step = e.ResumedFromStep, StartedAt = at, CreatedAt = now, UpdatedAt = now,
        };
        // What the job is does not depend on the run: any start may fill it in.
        await db.UpsertAsync(row, c => db.TrainingJobs.Where(j => j.JobId == e.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Kind, kind)
            .SetProperty(j => j.ModelName, j => e.ModelName ?? j.ModelName)
            .SetProperty(j => j.TotalSteps, e.TotalSteps)
            .SetProperty(j => j.TotalTokens, e.TotalTokens)
            .SetProperty(j => j.Parameters, e.Parameters)
            .SetProperty(j => j.UpdatedAt, now), c), ct);
        // The run: only a start newer than the latest run's and than the last end, and never of a completed job.
        await db.TrainingJobs.Where(j => j.JobId == e.JobId && j.Status != TrainingJobStatuses.Completed
                && (j.StartedAt == null || j.StartedAt < at) && (j.EndedAt == null || j.EndedAt < at))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, TrainingJobStatuses.Running)
                .SetProperty(j => j.StartedAt, at)
                .SetProperty(j => j.ResumedFromStep, e.ResumedFromStep)
                .SetProperty(j => j.RequestId, j => e.RequestId ?? j.RequestId)
                .SetProperty(j => j.FailedStep, (string?)null)
                .SetProperty(j => j.Error, (string?)null)
                .SetProperty(j => j.CancelledStep, (int?)null)
                .SetProperty(j => j.Checkpoint, (string?)null)
                .SetProperty(j => j.EndedAt, (DateTime?)null), ct);
    }

    public async Task ProgressedAsync(TrainingJobProgressed e, CancellationToken ct)
    {
        await PointAsync(e, ct);
        var (now, at) = (Now(), e.At.UtcDateTime);
        var (loss, bpb, lr, norm, speed, eta) = (Finite(e.Loss), Finite(e.BitsPerByte), Finite(e.LearningRate), Finite(e.GradientNorm),
            Finite(e.TokensPerSecond), Finite(e.EtaSeconds));
        var row = new TrainingJobView
        {
            JobId = e.JobId, Status = TrainingJobStatuses.Running, TotalSteps = e.TotalSteps, Step = e.Step, Stage = e.Stage, Tokens = e.Tokens,
            Loss = loss, BitsPerByte = bpb, LearningRate = lr, GradientNorm = norm, TokensPerSecond = speed, EtaSeconds = eta, ProgressAt = at,
            CreatedAt = now, UpdatedAt = now,
        };
        await db.UpsertAsync(row, c => db.TrainingJobs.Where(j => j.JobId == e.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, j => j.Status == TrainingJobStatuses.Submitted ? TrainingJobStatuses.Running : j.Status)
            .SetProperty(j => j.UpdatedAt, now), c), ct);
        // The validation before the figures: a reader who sees the step reached sees its validation too.
        if (Finite(e.ValidationLoss) is { } validation)
        {
            var validationBpb = Finite(e.ValidationBitsPerByte);
            await db.TrainingJobs.Where(j => j.JobId == e.JobId && (j.ValidationStep == null || j.ValidationStep <= e.Step)).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.ValidationLoss, validation)
                .SetProperty(j => j.ValidationBitsPerByte, validationBpb)
                .SetProperty(j => j.ValidationStep, e.Step), ct);
        }
        // The figures of the event sent last; a late or redelivered earlier one changes nothing, nor does one after the
        // completion, whose final figures stand.
        await db.TrainingJobs.Where(j => j.JobId == e.JobId && j.Status != TrainingJobStatuses.Completed
                && (j.ProgressAt == null || j.ProgressAt <= at)).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Step, e.Step)
            .SetProperty(j => j.Stage, e.Stage)
            .SetProperty(j => j.TotalSteps, e.TotalSteps)
            .SetProperty(j => j.Tokens, e.Tokens)
            .SetProperty(j => j.Loss, loss)
            .SetProperty(j => j.BitsPerByte, bpb)
            .SetProperty(j => j.LearningRate, lr)
            .SetProperty(j => j.GradientNorm, norm)
            .SetProperty(j => j.TokensPerSecond, speed)
            .SetProperty(j => j.EtaSeconds, eta)
            .SetProperty(j => j.ProgressAt, at), ct);
    }

    /// <summary>The event's point of the curve; a validation loss once recorded for a step stays (the step's plain
    /// progress event may come after the one that measured it).</summary>
    private Task PointAsync(TrainingJobProgressed e, CancellationToken ct)
    {
        var point = new TrainingPointView
        {
            JobId = e.JobId, Step = e.Step, Tokens = e.Tokens, Loss = Finite(e.Loss), BitsPerByte = Finite(e.BitsPerByte),
            ValidationLoss = Finite(e.ValidationLoss), ValidationBitsPerByte = Finite(e.ValidationBitsPerByte),
        };
        return db.UpsertAsync(point, c => db.TrainingPoints.Where(p => p.JobId == e.JobId && p.Step == e.Step).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Tokens, point.Tokens)
            .SetProperty(p => p.Loss, point.Loss)
            .SetProperty(p => p.BitsPerByte, point.BitsPerByte)
            .SetProperty(p => p.ValidationLoss, p => point.ValidationLoss ?? p.ValidationLoss)
            .SetProperty(p => p.ValidationBitsPerByte, p => point.ValidationBitsPerByte ?? p.ValidationBitsPerByte), c), ct);
    }

    /// <summary>The job made its model: completed whatever the times, since nothing follows a completion.</summary>
    public Task CompletedAsync(TrainingJobCompleted e, DateTime? sentAt, CancellationToken ct)
    {
        var (now, at, kind) = (Now(), At(sentAt), OptionValues<TrainingKind>.NameOf(e.Kind));
        var row = new TrainingJobView
        {
            JobId = e.JobId, Status = TrainingJobStatuses.Completed, Kind = kind, ModelName = e.ModelName, RequestId = e.RequestId,
            TotalSteps = e.Steps, Step = e.Steps, Tokens = e.Tokens, TotalTokens = e.Tokens, Parameters = e.Parameters, EtaSeconds = 0,
            ValidationLoss = Finite(e.ValidationLoss), ValidationBitsPerByte = Finite(e.ValidationBitsPerByte), ValidationStep = e.Steps,
            ModelFolder = Truncate(e.ModelFolder, MaxKeyLength), WeightsKey = Truncate(e.Weights.Key, MaxKeyLength), WeightsSha256 = e.Weights.Sha256,
            WeightsLength = e.Weights.Length, LineageKey = Truncate(e.Lineage.Key, MaxKeyLength), LineageSha256 = e.Lineage.Sha256,
            LineageLength = e.Lineage.Length, Tokenizer = OptionValues<TokenizerKind>.NameOf(e.Tokenizer), FinalLoss = Finite(e.FinalLoss), Seconds = Finite(e.Seconds),
            EndedAt = at, CreatedAt = now, UpdatedAt = now,
        };
        return db.UpsertAsync(row, c => db.TrainingJobs.Where(j => j.JobId == e.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, TrainingJobStatuses.Completed)
            .SetProperty(j => j.Kind, kind)
            .SetProperty(j => j.ModelName, j => e.ModelName ?? j.ModelName)
            .SetProperty(j => j.RequestId, j => e.RequestId ?? j.RequestId)
            .SetProperty(j => j.TotalSteps, row.TotalSteps)
            .SetProperty(j => j.Step, row.Step)
            .SetProperty(j => j.Tokens, row.Tokens)
            .SetProperty(j => j.TotalTokens, j => j.TotalTokens > 0 ? j.TotalTokens : row.TotalTokens)
            .SetProperty(j => j.Parameters, row.Parameters)
            .SetProperty(j => j.EtaSeconds, 0.0)
            .SetProperty(j => j.ValidationLoss, row.ValidationLoss)
            .SetProperty(j => j.ValidationBitsPerByte, row.ValidationBitsPerByte)
            .SetProperty(j => j.ValidationStep, row.ValidationStep)
            .SetProperty(j => j.ModelFolder, row.ModelFolder)
            .SetProperty(j => j.WeightsKey, row.WeightsKey)
            .SetProperty(j => j.WeightsSha256, row.WeightsSha256)
            .SetProperty(j => j.WeightsLength, row.WeightsLength)
            .SetProperty(j => j.LineageKey, row.LineageKey)
            .SetProperty(j => j.LineageSha256, row.LineageSha256)
            .SetProperty(j => j.LineageLength, row.LineageLength)
            .SetProperty(j => j.Tokenizer, row.Tokenizer)
            .SetProperty(j => j.FinalLoss, row.FinalLoss)
            .SetProperty(j => j.Seconds, row.Seconds)
            .SetProperty(j => j.FailedStep, (string?)null)
            .SetProperty(j => j.Error, (string?)null)
            .SetProperty(j => j.CancelledStep, (int?)null)
            .SetProperty(j => j.Checkpoint, (string?)null)
            .SetProperty(j => j.EndedAt, j => j.EndedAt > at ? j.EndedAt : at)
            .SetProperty(j => j.UpdatedAt, now), c), ct);
    }

    /// <summary>The job failed for good at a step; a request refused before it had an id (no JobId) fails the job its
    /// request asked for while that is still only submitted.</summary>
    public Task FailedAsync(TrainingJobFailed e, DateTime? sentAt, CancellationToken ct)
    {
        var (reason, step) = (Truncate(e.Reason, MaxErrorLength), Truncate(e.Step, MaxStepLength));
        if (e.JobId.Length == 0)
        {
            return e.RequestId is { } requestId
                ? db.TrainingJobs.Where(j => j.RequestId == requestId && j.Status == TrainingJobStatuses.Submitted).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, TrainingJobStatuses.Failed)
                    .SetProperty(j => j.FailedStep, step)
                    .SetProperty(j => j.Error, reason)
                    .SetProperty(j => j.EndedAt, At(sentAt))
                    .SetProperty(j => j.UpdatedAt, Now()), ct)
                : Task.CompletedTask;
        }
        var row = new TrainingJobView { JobId = e.JobId, Status = TrainingJobStatuses.Failed, FailedStep = step, Error = reason, RequestId = e.RequestId };
        return EndAsync(row, sentAt, s => s
            .SetProperty(j => j.Status, TrainingJobStatuses.Failed)
            .SetProperty(j => j.FailedStep, step)
            .SetProperty(j => j.Error, reason), ct);
    }

    public Task CancelledAsync(TrainingJobCancelled e, DateTime? sentAt, CancellationToken ct)
    {
        var checkpoint = e.Checkpoint is null ? null : Truncate(e.Checkpoint, MaxKeyLength);
        var row = new TrainingJobView
        {
            JobId = e.JobId, Status = TrainingJobStatuses.Cancelled, CancelledStep = e.Step, Checkpoint = checkpoint, RequestId = e.RequestId,
        };
        return EndAsync(row, sentAt, s => s
            .SetProperty(j => j.Status, TrainingJobStatuses.Cancelled)
            .SetProperty(j => j.CancelledStep, e.Step)
            .SetProperty(j => j.Checkpoint, checkpoint), ct);
    }

    /// <summary>Ends a job still submitted or running, unless the end was sent before its latest run started (it is of
    /// an earlier run); records the row ended when there is none.</summary>
    private Task EndAsync(TrainingJobView row, DateTime? sentAt, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<TrainingJobView>> set,
        CancellationToken ct)
    {
        var (now, at) = (Now(), At(sentAt));
        (row.EndedAt, row.CreatedAt, row.UpdatedAt) = (at, now, now);
        var requestId = row.RequestId;
        return db.UpsertAsync(row, async c =>
        {
            var matching = db.TrainingJobs.Where(j => j.JobId == row.JobId);
            var applied = await matching.Where(j => (j.Status == TrainingJobStatuses.Submitted || j.Status == TrainingJobStatuses.Running)
                    && (j.StartedAt == null || j.StartedAt <= at))
                .ExecuteUpdateAsync(s =>
                {
                    set(s);
                    s.SetProperty(j => j.RequestId, j => requestId ?? j.RequestId)
                        .SetProperty(j => j.EndedAt, at)
                        .SetProperty(j => j.UpdatedAt, now);
                }, c);
            return applied > 0 || await matching.AnyAsync(c) ? 1 : 0;
        }, ct);
    }

    /// <summary>Jobs newest first (by when this gateway first heard of them), of one status when given.</summary>
    public async Task<(int Total, List<TrainingJobView> Page)> ListAsync(TrainingJobState? status, int limit, int offset, CancellationToken ct)
    {
        var jobs = db.TrainingJobs.AsNoTracking();
        if (status is { } s)
        {
            var name = OptionValues<TrainingJobState>.NameOf(s);
            jobs = jobs.Where(j => j.Status == name);
        }
        var total = await jobs.CountAsync(ct);
        return (total, await jobs.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.JobId).Skip(offset).Take(limit).ToListAsync(ct));
    }

    public Task<TrainingJobView?> FindAsync(string jobId, CancellationToken ct) =>
        db.TrainingJobs.AsNoTracking().SingleOrDefaultAsync(j => j.JobId == jobId, ct);

    /// <summary>Every reported point of a job's curve, in step order.</summary>
    public Task<List<TrainingPointView>> PointsAsync(string jobId, CancellationToken ct) =>
        db.TrainingPoints.AsNoTracking().Where(p => p.JobId == jobId).OrderBy(p => p.Step).ToListAsync(ct);

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;

    /// <summary>When the event was sent, by its sender's clock, else now.</summary>
    private DateTime At(DateTime? sentAt) => sentAt is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : Now();

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
