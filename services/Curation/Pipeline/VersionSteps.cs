using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Jobs;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;

namespace Refinery.Curation.Pipeline;

/// <summary>A version's stages, in order (<see cref="JobStages"/>): for each quantile rule a ranking round (every part
/// ranks, then one merge records the round's thresholds), then the parts, then the finish. The next round's or the
/// parts' work items are sent by the merge that recorded the round (once), never by a work item; a request repeated
/// after a crash resumes where the version stopped. Naming the stages and the version is all it takes for its progress to
/// be published (<see cref="JobStages"/>).</summary>
public sealed class VersionSteps(CurationCatalog catalog)
{
    /// <param name="requestId">The request the steps serve, carried in each so the version's last event names it. A request
    /// that joins a version already under way sends its id only with the steps it sends itself.</param>
    public Task ContinueAsync(ConsumeContext context, DatasetJob job, Guid? requestId, StepCaller caller, CancellationToken ct) =>
        JobStages.ContinueAsync(context, NameOf(job, requestId), Stages(job, requestId), caller, context.IsRepeat(), ct);

    /// <summary>The version in its progress events. It may read several corpora, so it names none.</summary>
    public static JobName NameOf(DatasetJob job, Guid? requestId) =>
        new(JobServices.Curation, JobIds.DatasetVersion(job.Dataset, job.Version), RequestId: requestId);

    private IEnumerable<Func<CancellationToken, Task<JobStage?>>> Stages(DatasetJob job, Guid? requestId)
    {
        var parts = JobInputs.Parts(job).Count;
        var rounds = QuantileRounds.Of(Recipe.Parse(job.RecipeText, job.RecipeName)).Count;
        var recorded = QuantileRounds.Recorded(job).Count;
        for (var round = recorded; round < rounds; round++)
        {
            var r = round;
            yield return async ct => new JobStage($"ranking round {r + 1}", CommandQueues.RankDatasetPart, parts,
                (await catalog.RankingsAsync(job.Id, r, ct)).Select(x => x.Part).ToHashSet(),
                p => new RankDatasetPart { JobId = job.Id, Round = r, Part = p, RequestId = requestId });
            yield return _ => Task.FromResult<JobStage?>(JobStage.Single($"merge ranking round {r + 1}", CommandQueues.FinishDatasetRanking,
                new FinishDatasetRanking { JobId = job.Id, Round = r, RequestId = requestId }));
        }
        yield return async ct => new JobStage("parts", CommandQueues.CurateDatasetPart, parts,
            (await catalog.PartsAsync(job.Id, ct)).Select(x => x.Part).ToHashSet(),
            p => new CurateDatasetPart { JobId = job.Id, Part = p, RequestId = requestId });
        yield return _ => Task.FromResult<JobStage?>(JobStage.Single("finish", CommandQueues.FinishDatasetVersion,
            new FinishDatasetVersion { JobId = job.Id, RequestId = requestId }));
    }
}
