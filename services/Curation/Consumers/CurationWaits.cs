using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Curation.Data;
using Refinery.Hosting.Jobs;
using Refinery.Storage;

namespace Refinery.Curation.Consumers;

/// <summary>What a dataset request waits for (the end of a corpus's ingestion, its signals, its duplicate clusters) and the events that end the
/// wait, on queue curation-job-waits. A wait that fails answers the request with <see cref="DatasetVersionFailed"/>
/// at step "waiting".</summary>
public static class CurationWaits
{
    public const string Queue = "curation-job-waits";
    public const string Step = "waiting";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddJobWaits<CurationDbContext>(Queue)
            .Waiter<CreateDatasetVersion, DatasetVersionFailed>(CommandQueues.CreateDatasetVersion, (m, reason) => new DatasetVersionFailed
            {
                Dataset = m.Dataset, Version = "", Step = Step, Reason = $"{Step}: {reason}", RequestId = m.RequestId,
            })
            .ReleasedByIngestion()
            .ReleasedBy<ShardSignalsComputed>(e => JobWaitKeys.Signals(e.CorpusId, e.Config))
            .FailedBy<ShardSignalsFailed>(e => JobWaitKeys.Signals(e.CorpusId, e.Config), e => $"shard {e.Shard}: {e.Reason}")
            .ReleasedBy<CorpusDeduplicated>(e => JobWaitKeys.Dedup(e.CorpusId, e.Config))
            .FailedBy<CorpusDeduplicationFailed>(e => JobWaitKeys.Dedup(e.CorpusId, e.Config), e => $"{e.Step}: {e.Reason}");

    /// <summary>Every document shard of the corpus with its signal shard of <paramref name="signalsConfig"/>.</summary>
    public static JobWait ForSignals(IObjectStore store, string corpus, string signalsConfig) =>
        new(JobWaitKeys.Signals(CorpusNames.IdOf(corpus), signalsConfig), $"signals ({signalsConfig}) of corpus {corpus}",
            async ct => (await CorpusObjects.ListAsync(store, corpus, signalsConfig, ct)).All(s => s.Signals is not null));

    /// <summary>The corpus's duplicate clusters at a dedup configuration tag ("rpv2-0.8"), which a DeduplicateCorpus makes.</summary>
    public static JobWait ForClusters(IObjectStore store, string corpus, string config) =>
        new(JobWaitKeys.Dedup(CorpusNames.IdOf(corpus), config), $"duplicate clusters {config} of corpus {corpus} (a deduplication of it)",
            async ct => await store.StatAsync(DedupKeys.Clusters(corpus, config), ct) is not null);
}
