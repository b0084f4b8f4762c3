using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Training;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;
using Refinery.Gateway.Options;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>POST /api/training/jobs submits a training job (its id is the hash of its request: the same request names
/// the same job); GET /api/training/jobs and …/{id} show the jobs with their latest figures and loss curve; POST
/// …/{id}/cancel stops one at its next step.</summary>
public static class TrainingApi
{
    public const int DefaultLimit = 50, MaxLimit = 500;

    private static readonly string EventTypes = string.Join(',', nameof(TrainingJobStarted), nameof(TrainingJobProgressed),
        nameof(TrainingJobCompleted), nameof(TrainingJobFailed), nameof(TrainingJobCancelled));

    public static ApiGroup MapTrainingApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapApiGroup("/api/training/jobs", "Training", options);
        api.Writes.MapPost("/", SubmitAsync)
            .AcceptedWithStatusAt("/api/training/jobs/{id}")
            .WithSummary("Train a model on dataset versions: pretrain, continue a model through curriculum stages, or fine-tune it")
            .WithDescription("Body: kind (pretrain, continue, finetune), modelName, baseModel ({job} or {folder}, for continue and finetune), " +
                             "model ({preset: tiny, small, reference} and explicit layers, hidden, heads, keyValueHeads, intermediate, context, " +
                             "tieEmbeddings, ropeTheta; pretrain only), stages ([{dataset, version, tokens, learningRate, minLearningRate, " +
                             "warmupSteps, schedule}]), hyperparameters (microBatch, gradientAccumulation, learningRate, minLearningRate, " +
                             "warmupSteps, schedule, weightDecay, beta1, beta2, epsilon, clipNorm, seed, threads), intervals " +
                             "(progressEverySteps, evaluateEverySteps, evaluationTokens, checkpointEverySteps, keepCheckpoints); left out, " +
                             "the contract's defaults. The job's id is the hash of the request: the same request again gets the same job " +
                             "(known: true, with its status; a completed job announces its result again). Returns 202 with the job's URL; " +
                             "TrainingJobStarted, TrainingJobProgressed, TrainingJobCompleted, TrainingJobFailed and TrainingJobCancelled " +
                             "on /api/events?job={id} follow it.");
        api.Writes.MapPost("/{id}/cancel", CancelAsync)
            .AcceptedWithStatusAt("/api/training/jobs/{id}")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Stop a training job at its next step, with a final checkpoint")
            .WithDescription("Returns 202 once the cancellation is sent; TrainingJobCancelled announces where the job stopped. A job " +
                             "already completed, failed or cancelled is not changed. 404 for a job this gateway never saw.");
        api.Reads.MapGet("/", ListAsync)
            .WithSummary("The training jobs, newest first")
            .WithDescription("status: submitted, running, completed, failed or cancelled; limit: 1 to 500 (50); offset. Each with its " +
                             "latest figures; GET …/{id} adds the loss curve.");
        api.Reads.MapGet("/{id}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One training job: status, latest figures, how it ended, and its loss curve")
            .WithDescription("points: the most points of the loss curve returned, 2 to 10000 (200): the first and the last reported " +
                             "step always, and one per equal run of steps between them, preferring one with a validation loss. " +
                             "reportedPoints says how many were reported.");
        return api;
    }

    internal static async Task<Results<Accepted<TrainingJobAccepted>, ValidationProblem, ProblemHttpResult>> SubmitAsync(SubmitTrainingJob? request,
        ISendEndpointProvider send, TrainingProjection projection, JobProjection jobs, ILoggerFactory loggers, CancellationToken ct)
    {
        var command = (request ?? new SubmitTrainingJob { Stages = [] }) with { RequestId = null };
        // A part sent as null is the part left out: the contract's defaults, so the same request names the same job however written.
        command = command with { Hyperparameters = command.Hyperparameters ?? new(), Intervals = command.Intervals ?? new() };
        if (TrainingRequests.Problems(command) is { Count: > 0 } problems)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
        // Everything derived from the request is derived before its first side effect, so nothing it holds can fail halfway.
        var (jobId, requestId) = (TrainingRequests.JobId(command), NewId.NextGuid());
        var (json, status) = (JsonSerializer.Serialize(command, TrainingJobStatus.Json), StatusUrl(jobId));

        // Recorded before sending, so the Training service's answer can never be overtaken by the "submitted" row.
        var before = await projection.SubmittedAsync(jobId, command, json, requestId, ct);
        // A job under way keeps its progress; a new one, or one that ended without a model, may run again.
        if (before is null || before.Status is TrainingJobStatuses.Failed or TrainingJobStatuses.Cancelled)
            await jobs.StartedAsync(JobServices.Training, JobIds.Training(jobId), null, JobProjection.RequestedStep, null, ct);
        if (!await send.TrySendAsync(CommandQueues.SubmitTrainingJob, command with { RequestId = requestId }, loggers.CreateLogger(typeof(TrainingApi)), ct))
        {
            if (before is null)
            {
                await projection.SendFailedAsync(jobId, ApiConventions.NotSent, CancellationToken.None);
                await jobs.FailedAsync(JobServices.Training, JobIds.Training(jobId), null, null, "send", null, CancellationToken.None);
            }
            return ApiConventions.BusUnavailable($"the training job {jobId}", status);
        }
        return TypedResults.Accepted(status, new TrainingJobAccepted(jobId, requestId, before is not null,
            before?.Status ?? TrainingJobStatuses.Submitted, status, EventsOf(jobId)));
    }

    internal static async Task<Results<Accepted<TrainingCancelAccepted>, ValidationProblem, ProblemHttpResult>> CancelAsync(string id,
        ISendEndpointProvider send, TrainingProjection projection, ILoggerFactory loggers, CancellationToken ct)
    {
        if (IdProblem(id) is { } problem) return problem;
        if (await projection.FindAsync(id, ct) is not { } job) return UnknownJob(id);
        var (requestId, status) = (NewId.NextGuid(), StatusUrl(id));
        if (!await send.TrySendAsync(CommandQueues.CancelTrainingJob, new CancelTrainingJob { JobId = id, RequestId = requestId },
                loggers.CreateLogger(typeof(TrainingApi)), ct))
            return ApiConventions.BusUnavailable($"the cancellation of training job {id}", status);
        return TypedResults.Accepted(status, new TrainingCancelAccepted(id, requestId, job.Status, status, EventsOf(id)));
    }

    internal static async Task<Results<Ok<TrainingJobPage>, ValidationProblem>> ListAsync(string? status, int? limit, int? offset,
        TrainingProjection projection, IObjectStore store, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var (take, skip) = (limit ?? DefaultLimit, offset ?? 0);
        var (statusFilter, statusProblem) = QueryOptions.Parse<TrainingJobState>(status);
        if (statusProblem is not null) errors.Add("status", statusProblem);
        if (take is < 1 or > MaxLimit) errors.Add("limit", $"from 1 to {MaxLimit}");
        if (skip < 0) errors.Add("offset", "must not be negative");
        if (errors.Any) return TypedResults.ValidationProblem(errors.ToDictionary());
        var (total, page) = await projection.ListAsync(statusFilter, take, skip, ct);
        return TypedResults.Ok(new TrainingJobPage(page.Select(j => TrainingJobStatus.Of(j, store.Bucket)).ToArray(), total, take, skip));
    }

    internal static async Task<Results<Ok<TrainingJobStatus>, ProblemHttpResult, ValidationProblem>> GetAsync(string id, int? points,
        TrainingProjection projection, IObjectStore store, CancellationToken ct)
    {
        if (IdProblem(id) is { } problem) return problem;
        var max = points ?? LossCurve.DefaultPoints;
        if (max is < LossCurve.MinPoints or > LossCurve.MaxPoints)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["points"] = [$"from {LossCurve.MinPoints} to {LossCurve.MaxPoints}"] });
        if (await projection.FindAsync(id, ct) is not { } job) return UnknownJob(id);
        return TypedResults.Ok(TrainingJobStatus.Of(job, store.Bucket, await projection.PointsAsync(id, ct), max));
    }

    private static ValidationProblem? IdProblem(string id) => TrainingRequests.IsJobId(id)
        ? null
        : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["a training job id is 12 lower-case hex digits"] });

    private static ProblemHttpResult UnknownJob(string id) =>
        TypedResults.Problem($"no training job {id} has been submitted to or announced on this gateway", statusCode: StatusCodes.Status404NotFound);

    private static string StatusUrl(string jobId) => $"/api/training/jobs/{jobId}";

    private static string EventsOf(string jobId) => $"/api/events?job={jobId}&type={EventTypes}";
}
