using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Bus;
using Refinery.Signals.Data;
using Refinery.Signals.Domain;
using Refinery.Signals.Options;
using Refinery.Signals.Pipeline;
using Refinery.Storage;

namespace Refinery.Signals.Consumers;

/// <summary>Computes the signals of one document shard, or reuses them from an earlier run; records the shard and
/// always publishes <see cref="Contracts.Signals.ShardSignalsComputed"/>, also on a rerun (DESIGN §7 rule 3), then the
/// corpus's signals progress (<see cref="SignalsProgress"/>).</summary>
public sealed class CorpusShardIngestedConsumer(ShardSignalRunner runner, SignalShardCatalog catalog, SignalsProgress progress,
    IObjectStore store, ILogger<CorpusShardIngestedConsumer> logger) : IConsumer<CorpusShardIngested>
{
    public async Task Consume(ConsumeContext<CorpusShardIngested> context)
    {
        var (message, ct) = (context.Message, context.CancellationToken);
        if (ShardAnnouncements.Problem(message) is { } problem) throw new PermanentFailureException(problem);
        var corpus = message.Corpus;
        if (message.Documents.Bucket != store.Bucket)
            throw new PermanentFailureException($"documents are in bucket '{message.Documents.Bucket}', this process reads '{store.Bucket}'");

        var row = await runner.FindReusableAsync(message, ct);
        if (row is not null)
        {
            logger.LogInformation("Signals for {Corpus}/{Shard} already computed as {Key}", corpus, message.Shard, row.Key);
        }
        else
        {
            logger.LogInformation("Computing signals for {Corpus}/{Shard} ({Documents} documents)", corpus, message.Shard, message.DocumentCount);
            row = await runner.ComputeAsync(message, ct);
            await catalog.UpsertAsync(row, ct);
            logger.LogInformation("Signals for {Corpus}/{Shard}: {Documents} documents, {Quarantined} quarantined, in {ElapsedMs} ms",
                corpus, message.Shard, row.Documents, row.Quarantined, row.ElapsedMs);
        }
        await context.Publish(row.ToEvent(store.Bucket), ct);
        await context.Publish(await progress.OfAsync(message, row.Config, ct), ct);
    }
}

/// <summary>Queue signals-corpus-shard-ingested, shared by every signals process (competing consumers). Each process
/// takes as many shards at once as it has compute slots, so a second process gets work instead of waiting.</summary>
public sealed class CorpusShardIngestedConsumerDefinition(IOptions<SignalsOptions> options)
    : CompetingConsumerDefinition<CorpusShardIngestedConsumer>(Queue, options.Value.MaxConcurrency)
{
    public const string ServiceName = "signals";
    public static readonly string Queue = EndpointNames.For<CorpusShardIngested>(ServiceName);
}
