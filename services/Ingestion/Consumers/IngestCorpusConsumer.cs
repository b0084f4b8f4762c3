using MassTransit;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Jobs;

namespace Refinery.Ingestion.Consumers;

/// <summary>Records the corpus as a queued job and returns at once; the worker does the reading. A repeated
/// command for a corpus already ingested republishes its result (DESIGN §7 rule 3).</summary>
public sealed class IngestCorpusConsumer(IngestionJobs jobs, JobSignal<ClaimedJob> signal, ILogger<IngestCorpusConsumer> logger)
    : IConsumer<IngestCorpus>
{
    public async Task Consume(ConsumeContext<IngestCorpus> context)
    {
        var (command, ct) = (context.Message, context.CancellationToken);
        if (CorpusNames.Problem(command.Name) is { } problem)
            throw new PermanentFailureException($"corpus name '{command.Name}': {problem}");
        if (command.CorpusId != CorpusNames.IdOf(command.Name))
            throw new PermanentFailureException($"corpus id {command.CorpusId} does not belong to name '{command.Name}'");

        var (corpus, queued) = await jobs.EnqueueAsync(command, ct);
        if (queued)
        {
            logger.LogInformation("Queued ingestion of corpus {Corpus} with {Sources} sources", command.Name, command.Sources.Count);
            signal.Notify();
        }
        else if (corpus.Stage == CorpusStages.Ingested)
        {
            await context.Publish(IngestionJobs.ToEvent(corpus), ct);
        }
    }
}

public sealed class IngestCorpusConsumerDefinition : ConsumerDefinition<IngestCorpusConsumer>
{
    public IngestCorpusConsumerDefinition() => EndpointName = EndpointNames.For<IngestCorpus>("ingestion");
}
