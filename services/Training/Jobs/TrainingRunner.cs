using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Options;
using Refinery.Contracts.Training;
using Refinery.Hosting.Jobs;
using Refinery.Modeling.Runtime;
using Refinery.Storage;
using Refinery.Training.Checkpoints;
using Refinery.Training.Domain;
using Refinery.Training.Options;
using Refinery.Training.Outputs;
using Refinery.Training.Run;

namespace Refinery.Training.Jobs;

/// <summary>Runs one claimed training job for the shared <see cref="LeasedJobWorker{TJob}"/>: prepares it (data, model),
/// resumes from the newest checkpoint if a previous process left one, trains to the end of the plan or until cancelled,
/// writes the outputs, and records the end; <see cref="AnnounceAsync"/> publishes it.</summary>
public sealed class TrainingRunner(TrainingJobs jobs, IObjectStore store, IPublishEndpoint publisher, IOptions<TrainingOptions> options,
    ILogger<TrainingRunner> logger) : ILeasedJobRunner<ClaimedTrainingJob>
{
    /// <summary>The one step of a training job in the generic progress events.</summary>
    public const string TrainStep = "train";

    /// <summary>Steps of a run before and after its training steps ("step N"), as a failure names them.</summary>
    public const string SetupStep = "setup", OutputsStep = "outputs";

    private Func<string> _step = () => SetupStep;

    public string Step => _step();

    public string Describe(ClaimedTrainingJob job) => $"training job {job.Id}";

    public async Task<bool> RunAsync(ClaimedTrainingJob job, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        PreparedJob prepared;
        try
        {
            prepared = await JobSetup.PrepareAsync(store, job.Id, job.Request, ct);
        }
        catch (TrainingRefusedException refused)
        {
            logger.LogWarning("Training job {Job} refused at {Step}: {Reason}", job.Id, refused.Step, refused.Message);
            return await jobs.FinishAsync(job, TrainingStatus.Failed, null, refused.Step, refused.Message, ct);
        }
        using (prepared)
        {
            var plan = prepared.Plan;
            var h = plan.Hyperparameters;
            TorchRuntime.SetThreads(h.Threads > 0 ? h.Threads : Environment.ProcessorCount);
            using var trainer = new Trainer(plan, prepared.Model, prepared.TrainStream, prepared.ValidationStream,
                OptionValues<TrainingDevice>.NameOf(options.Value.Device));
            // The position is plain state, still readable when a failure has disposed the trainer.
            _step = () => $"step {trainer.Position.Step + 1}";
            var checkpoints = new CheckpointStore(store, job.Id);
            var resumed = await checkpoints.RestoreLatestAsync(trainer, ct) ?? 0;
            await jobs.ProgressAsync(job, resumed, plan.TotalSteps, null, ct);
            await publisher.Publish(new TrainingJobStarted
            {
                JobId = job.Id, Kind = job.Request.Kind, ModelName = job.Request.ModelName, TotalSteps = plan.TotalSteps,
                TotalTokens = plan.TotalTokens, Parameters = prepared.Parameters, ResumedFromStep = resumed, RequestId = job.RequestId,
                At = DateTimeOffset.UtcNow,
            }, ct);
            logger.LogInformation("Training job {Job}: {Kind}, {Parameters:N0} parameters, {Steps} steps of {Tokens:N0} tokens{Resumed}",
                job.Id, job.Request.Kind, prepared.Parameters, plan.TotalSteps, plan.TokensPerStep, resumed > 0 ? $", resumed at step {resumed}" : "");

            var observer = new JobObserver(job, plan, jobs, publisher, resumed);
            TrainingLoop.Outcome outcome;
            try
            {
                outcome = await new TrainingLoop(plan, trainer, checkpoints, observer).RunAsync(ct);
            }
            catch (TrainingDivergedException e) when (!ct.IsCancellationRequested)
            {
                // A loss that is no longer a number will not become one again: the job fails instead of being retried.
                return await jobs.FinishAsync(job, TrainingStatus.Failed, null, $"step {trainer.Position.Step + 1}", e.Message, ct);
            }
            if (outcome == TrainingLoop.Outcome.Cancelled)
            {
                logger.LogInformation("Training job {Job} cancelled at step {Step}", job.Id, trainer.Position.Step);
                return await jobs.FinishAsync(job, TrainingStatus.Cancelled, null, null, null, ct);
            }

            _step = () => OutputsStep;
            var weights = await TrainingOutputs.WriteModelAsync(store, job.Id, trainer, plan.Tokenizer.Identity, ct);
            var log = await TrainingOutputs.WriteLogAsync(store, job.Id, trainer.Position.Curve, ct);
            var lineage = await TrainingOutputs.WriteLineageAsync(store, plan, prepared.BaseFolder, prepared.BaseWeightsSha256,
                prepared.Parameters, started, DateTimeOffset.UtcNow, ct);
            // The last step always closes a point with a validation (TrainingLoop), so the figures are there.
            var final = trainer.Position.Curve[^1];
            var result = new TrainingJobCompleted
            {
                JobId = job.Id, Kind = job.Request.Kind, ModelName = job.Request.ModelName, ModelFolder = TrainingKeys.Model(job.Id),
                Weights = weights, Lineage = lineage, Log = log, Steps = plan.TotalSteps, Tokens = plan.TotalTokens, Parameters = prepared.Parameters,
                Tokenizer = plan.Tokenizer.Kind, FinalLoss = final.Loss, ValidationLoss = final.ValidationLoss!.Value,
                ValidationBitsPerByte = final.ValidationBitsPerByte!.Value, Seconds = (DateTimeOffset.UtcNow - started).TotalSeconds,
            };
            logger.LogInformation("Training job {Job} completed: loss {Loss:F4}, validation {Validation:F4} nats/token ({Bpb:F4} bits/byte)",
                job.Id, result.FinalLoss, result.ValidationLoss, result.ValidationBitsPerByte);
            return await jobs.FinishAsync(job, TrainingStatus.Completed, result, null, null, ct);
        }
    }

    public async Task AnnounceAsync(ClaimedTrainingJob job, CancellationToken ct)
    {
        var row = await jobs.FindAsync(job.Id, ct);
        if (row is null || row.Generation != job.Generation) return;
        TrainingMetrics.Jobs.WithLabels(row.Status).Inc();
        TrainingMetrics.Loss.RemoveLabelled(job.Id);
        TrainingMetrics.TokensPerSecond.RemoveLabelled(job.Id);
        await PublishEndAsync(publisher, row, ct);
    }

    /// <summary>Publishes the event of a job's recorded end, for the request that asked last.</summary>
    public static async Task PublishEndAsync(IPublishEndpoint publisher, TrainingJob row, CancellationToken ct)
    {
        switch (row.Status)
        {
            case TrainingStatus.Completed:
                await publisher.Publish(TrainingJobs.ResultOf(row)! with { RequestId = row.RequestId }, ct);
                break;
            case TrainingStatus.Failed:
                await publisher.Publish(new TrainingJobFailed { JobId = row.Id, Step = row.FailedStep ?? "", Reason = row.Error ?? "", RequestId = row.RequestId }, ct);
                break;
            case TrainingStatus.Cancelled:
                await publisher.Publish(new TrainingJobCancelled { JobId = row.Id, Step = row.Step, Checkpoint = row.Checkpoint, RequestId = row.RequestId }, ct);
                break;
        }
    }

    public async Task FailAsync(ClaimedTrainingJob job, FailedStep failure, CancellationToken ct)
    {
        if (await jobs.FinishAsync(job, TrainingStatus.Failed, null, failure.Step, failure.Reason, ct))
            await publisher.Publish(new TrainingJobFailed { JobId = job.Id, Step = failure.Step, Reason = failure.Reason, RequestId = job.RequestId }, ct);
    }

    /// <summary>Publishes the job's figures and records its step and checkpoint.</summary>
    private sealed class JobObserver(ClaimedTrainingJob job, TrainingPlan plan, TrainingJobs jobs, IPublishEndpoint publisher, int startStep)
        : ITrainingObserver
    {
        private readonly JobName _name = new(JobServices.Training, JobIds.Training(job.Id), RequestId: job.RequestId);
        private int _lastStep = startStep;

        public async Task ReportAsync(CurvePoint point, int stage, double tokensPerSecond, double etaSeconds, CancellationToken ct)
        {
            if (!double.IsFinite(point.Loss)) throw new TrainingDivergedException($"the training loss is {point.Loss} at step {point.Step}");
            TrainingMetrics.Steps.Inc(point.Step - _lastStep);
            TrainingMetrics.Tokens.Inc((point.Step - _lastStep) * (double)plan.TokensPerStep);
            TrainingMetrics.Loss.WithLabels(job.Id).Set(point.Loss);
            TrainingMetrics.TokensPerSecond.WithLabels(job.Id).Set(tokensPerSecond);
            _lastStep = point.Step;
            await jobs.ProgressAsync(job, point.Step, plan.TotalSteps, null, ct);
            await publisher.Publish(new TrainingJobProgressed
            {
                JobId = job.Id, Step = point.Step, TotalSteps = plan.TotalSteps, Stage = stage, Tokens = point.Tokens, Loss = point.Loss,
                BitsPerByte = point.BitsPerByte, LearningRate = point.LearningRate, GradientNorm = point.GradientNorm,
                TokensPerSecond = tokensPerSecond, EtaSeconds = etaSeconds, ValidationLoss = point.ValidationLoss,
                ValidationBitsPerByte = point.ValidationBitsPerByte, At = DateTimeOffset.UtcNow,
            }, ct);
            await publisher.Publish(_name.Progressed(TrainStep, point.Step, plan.TotalSteps), ct);
        }

        public Task CheckpointedAsync(int step, string manifest, CancellationToken ct) => jobs.ProgressAsync(job, step, plan.TotalSteps, manifest, ct);

        public Task<bool> CancelRequestedAsync(CancellationToken ct) => jobs.CancelRequestedAsync(job, ct);
    }
}

/// <summary>The loss stopped being a finite number: the run cannot recover by being tried again.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
