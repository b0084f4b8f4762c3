using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Dedup.Data;
using Refinery.Hosting.Jobs;
using Refinery.Storage;

namespace Refinery.Dedup.Consumers;

/// <summary>What a dedup request waits for (the end of the corpus's ingestion; the corpus's signals, whose bands it reads) and the events that end the
/// wait, on queue dedup-job-waits. A wait that fails answers the request with <see cref="CorpusDeduplicationFailed"/>
/// at step "waiting".</summary>
public static class DedupWaits
{
    public const string Queue = "dedup-job-waits";
    public const string Step = "waiting";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddJobWaits<DedupDbContext>(Queue)
            .Waiter<DeduplicateCorpus, CorpusDeduplicationFailed>(CommandQueues.DeduplicateCorpus, (m, reason) => new CorpusDeduplicationFailed
            {
                CorpusId = CorpusNames.IdOf(m.Corpus), Corpus = m.Corpus, Config = DedupOutputs.Config(m), Step = Step, Reason = reason,
            })
            .ReleasedByIngestion()
            .ReleasedBy<ShardSignalsComputed>(e => JobWaitKeys.Signals(e.CorpusId, e.Config))
            .FailedBy<ShardSignalsFailed>(e => JobWaitKeys.Signals(e.CorpusId, e.Config), e => $"shard {e.Shard}: {e.Reason}");

    /// <summary>Every document shard of the corpus with its signal shard of <paramref name="signalsConfig"/>.</summary>
    public static JobWait ForSignals(IObjectStore store, string corpus, string signalsConfig) =>
        new(JobWaitKeys.Signals(CorpusNames.IdOf(corpus), signalsConfig), $"signals ({signalsConfig}) of corpus {corpus}",
            async ct => (await CorpusObjects.ListAsync(store, corpus, signalsConfig, ct)).All(s => s.Signals is not null));
}
