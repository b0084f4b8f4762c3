using MassTransit;
using Microsoft.EntityFrameworkCore;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Jobs;

namespace Refinery.Ingestion.Consumers;

/// <summary>An <see cref="IngestCorpus"/> whose consumer fails for good (a refused command, or the database away past
/// its retries) becomes <see cref="CorpusIngestionFailed"/> at step "request", on queue ingestion-step-faults, so the
/// corpus does not stay submitted with nobody saying why. The run's own failure is the runner's
/// (<see cref="IngestionRunner.FailAsync"/>).</summary>
public sealed class IngestionStepFailures(IngestionDbContext db)
{
    public const string Queue = "ingestion-step-faults";
    public const string RequestStep = "request";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddStepFailures<IngestionStepFailures, CorpusIngestionFailed>(Queue)
            .Step<IngestCorpus>(CommandQueues.IngestCorpus, _ => RequestStep, (f, m, s, ct) => f.OfRequestAsync(m, s, ct));

    /// <summary>The failed event of a request, of the corpus's current run (the gateway ignores a run older than the newest
    /// it saw). Null when there is no corpus to name (a name or id nobody could have submitted), or when the request was
    /// recorded after all (it failed after that, republishing a result): then its run announces the outcome.</summary>
    private async Task<CorpusIngestionFailed?> OfRequestAsync(IngestCorpus request, FailedStep failed, CancellationToken ct)
    {
        if (CorpusNames.Problem(request.Name) is not null || CorpusNames.IdOf(request.Name) != request.CorpusId) return null;
        var corpus = await db.Corpora.AsNoTracking().SingleOrDefaultAsync(c => c.Id == request.CorpusId, ct);
        if (corpus is not null && corpus.Stage != CorpusStages.Failed && corpus.CommandJson == IngestionJobs.CommandJson(request))
            return null;
        return new CorpusIngestionFailed
        {
            CorpusId = request.CorpusId, Name = request.Name, Step = failed.Step, Reason = failed.Reason, Generation = corpus?.Generation ?? 0,
        };
    }
}
