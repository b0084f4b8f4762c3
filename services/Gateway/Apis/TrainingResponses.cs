using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Options;
using Refinery.Contracts.Training;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Apis;

/// <summary>What a training request started: the job (the hash of the request, so the same request names the same job),
/// whether this gateway knew it already and its status then (a completed job only announces its result again), the
/// request's id, the URL to poll and the events that follow it.</summary>
public sealed record TrainingJobAccepted(string JobId, Guid RequestId, bool Known, string Status, string StatusUrl, string Events);

/// <summary>A cancellation sent: the Training service stops the job at its next step with a final checkpoint
/// (TrainingJobCancelled); a job already ended is not changed.</summary>
public sealed record TrainingCancelAccepted(string JobId, Guid RequestId, string Status, string StatusUrl, string Events);

/// <summary>Why a training job failed: the step ("request", "data", "step 120", "send") and the reason.</summary>
public sealed record TrainingFailure(string Step, string Reason);

/// <summary>Where a cancelled job stopped, and the manifest of its final checkpoint (none before its first step).</summary>
public sealed record TrainingCancellation(int Step, string? Checkpoint);

/// <summary>What a completed job made: its Hugging Face-layout model folder, its weights and lineage record.</summary>
public sealed record TrainedModel(string Folder, ObjectRef Weights, ObjectRef Lineage, string? Tokenizer, double? FinalLoss, double? Seconds);

/// <summary>One point of a loss curve: the step, the training tokens so far, the training loss (nats per token) and
/// the validation loss when it was measured at that step.</summary>
public sealed record TrainingCurvePoint(int Step, long Tokens, double? Loss, double? ValidationLoss);

/// <summary>One training job as the gateway last heard of it: its status, what it is, its latest figures (step of total,
/// tokens, loss, bits per byte, learning rate, tokens/s, ETA, validation), how it ended, and on a single job its loss
/// curve (downsampled) and the request as submitted.</summary>
public sealed record TrainingJobStatus(string JobId, string Status, string? Kind, string? ModelName, IReadOnlyList<TrainingStage>? Stages,
    int Step, int TotalSteps, int Stage, long Tokens, long TotalTokens, long Parameters, double? Loss, double? BitsPerByte,
    double? LearningRate, double? GradientNorm, double? TokensPerSecond, double? EtaSeconds, double? ValidationLoss,
    double? ValidationBitsPerByte, int? ValidationStep, int ResumedFromStep, TrainingFailure? Failure, TrainingCancellation? Cancellation,
    TrainedModel? Model, Guid? RequestId, DateTime CreatedAt, DateTime UpdatedAt, DateTime? StartedAt, DateTime? EndedAt,
    SubmitTrainingJob? Request = null, int? ReportedPoints = null, IReadOnlyList<TrainingCurvePoint>? Curve = null)
{
    internal static readonly JsonSerializerOptions Json = ContractJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    internal static TrainingJobStatus Of(TrainingJobView j, string bucket, IReadOnlyList<TrainingPointView>? points = null, int maxPoints = 0)
    {
        var request = j.Request is null ? null : JsonSerializer.Deserialize<SubmitTrainingJob>(j.Request, Json);
        var model = j.ModelFolder is null ? null : new TrainedModel(j.ModelFolder,
            new ObjectRef { Bucket = bucket, Key = j.WeightsKey ?? "", Sha256 = j.WeightsSha256 ?? "", Length = j.WeightsLength },
            new ObjectRef { Bucket = bucket, Key = j.LineageKey ?? "", Sha256 = j.LineageSha256 ?? "", Length = j.LineageLength },
            j.Tokenizer, j.FinalLoss, j.Seconds);
        var curve = points is null ? null
            : LossCurve.Downsample(points, maxPoints, p => p.ValidationLoss is not null)
                .Select(p => new TrainingCurvePoint(p.Step, p.Tokens, p.Loss, p.ValidationLoss)).ToArray();
        return new TrainingJobStatus(j.JobId, j.Status, j.Kind, j.ModelName, request?.Stages, j.Step, j.TotalSteps, j.Stage, j.Tokens,
            j.TotalTokens, j.Parameters, j.Loss, j.BitsPerByte, j.LearningRate, j.GradientNorm, j.TokensPerSecond, j.EtaSeconds,
            j.ValidationLoss, j.ValidationBitsPerByte, j.ValidationStep, j.ResumedFromStep,
            j.Status == TrainingJobStatuses.Failed ? new TrainingFailure(j.FailedStep ?? "", j.Error ?? "") : null,
            j.CancelledStep is { } step ? new TrainingCancellation(step, j.Checkpoint) : null,
            model, j.RequestId, Utc(j.CreatedAt), Utc(j.UpdatedAt), Utc(j.StartedAt), Utc(j.EndedAt),
            points is null ? null : request, points?.Count, curve);
    }

    // SQLite hands DateTimes back as Unspecified; they were stored as UTC.
    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
    private static DateTime? Utc(DateTime? t) => t is { } v ? Utc(v) : null;
}

/// <summary>A page of training jobs, newest first.</summary>
public sealed record TrainingJobPage(IReadOnlyList<TrainingJobStatus> Items, int Total, int Limit, int Offset);
