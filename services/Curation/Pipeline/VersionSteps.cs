using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;

namespace Refinery.Curation.Pipeline;

/// <summary>Sends what a version still needs, from what the catalog records: the parts of the first unfinished
/// ranking round (or its merge when they are all collected), else the parts not yet written (or the finish when
/// they are all written). A request repeated after a crash resumes where the version stopped; a part that has just
/// been recorded only sends the step after its round or the parts, once they are all recorded.</summary>
public sealed class VersionSteps(CurationCatalog catalog)
{
    /// <param name="requestId">The request the steps serve, carried in each so the version's last event names it. A request
    /// that joins a version already under way sends its id only with the steps it sends itself.</param>
    /// <param name="sendMissing">Whether to send the parts not yet recorded (false after recording one: the others are on their way).</param>
    public async Task ContinueAsync(ISendEndpointProvider sender, DatasetJob job, Guid? requestId, CancellationToken ct, bool sendMissing = true)
    {
        var parts = JobInputs.Parts(job).Count;
        var rounds = QuantileRounds.Of(Recipe.Parse(job.RecipeText, job.RecipeName)).Count;
        var round = QuantileRounds.Recorded(job).Count;
        if (round < rounds)
        {
            var ranked = (await catalog.RankingsAsync(job.Id, round, ct)).Select(r => r.Part).ToHashSet();
            if (ranked.Count == parts)
            {
                await SendAsync(sender, CommandQueues.FinishDatasetRanking, new FinishDatasetRanking { JobId = job.Id, Round = round, RequestId = requestId }, ct);
                return;
            }
            if (!sendMissing) return;
            var rank = await sender.GetSendEndpoint(CommandQueues.Uri(CommandQueues.RankDatasetPart));
            for (var p = 0; p < parts; p++)
                if (!ranked.Contains(p)) await rank.Send(new RankDatasetPart { JobId = job.Id, Round = round, Part = p, RequestId = requestId }, ct);
            return;
        }
        var written = (await catalog.PartsAsync(job.Id, ct)).Select(p => p.Part).ToHashSet();
        if (written.Count == parts)
        {
            await SendAsync(sender, CommandQueues.FinishDatasetVersion, new FinishDatasetVersion { JobId = job.Id, RequestId = requestId }, ct);
            return;
        }
        if (!sendMissing) return;
        var curate = await sender.GetSendEndpoint(CommandQueues.Uri(CommandQueues.CurateDatasetPart));
        for (var p = 0; p < parts; p++)
            if (!written.Contains(p)) await curate.Send(new CurateDatasetPart { JobId = job.Id, Part = p, RequestId = requestId }, ct);
    }

    private static async Task SendAsync<T>(ISendEndpointProvider sender, string queue, T message, CancellationToken ct) where T : class =>
        await (await sender.GetSendEndpoint(CommandQueues.Uri(queue))).Send(message, ct);
}
