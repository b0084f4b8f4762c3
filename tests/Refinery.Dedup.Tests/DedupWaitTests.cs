using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Signals;
using Refinery.Dedup.Data;
using Refinery.Hosting.Jobs;
using Refinery.TestSupport;

namespace Refinery.Dedup.Tests;

/// <summary>Dedup requests that come before the corpus's signals, or while it is still being ingested: they wait without
/// holding their delivery and run when the signals (or the end of the ingestion) come, or fail when those fail.</summary>
public sealed class DedupWaitTests
{
    private const string Corpus = "golden-dev";
    private static readonly Guid CorpusId = CorpusNames.IdOf(Corpus);
    private static readonly string LastSignals = SignalsKeys.Signals(Corpus, 2, "rpv2");

    /// <summary>The golden corpus with the signals of its last shard held back (the signals service still working on it).</summary>
    private static async Task<MemoryStream> PutCorpusWithoutLastSignalsAsync(Storage.IObjectStore store)
    {
        await CorpusShards.PutAsync(store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        var held = new MemoryStream();
        await using (var file = await store.OpenReadAsync(LastSignals)) await file.CopyToAsync(held);
        await store.DeleteAsync(LastSignals);
        held.Position = 0;
        return held;
    }

    private static async Task<JobProgressed> WaitingAsync(ServiceTestHost host)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(25))
            if (host.Harness.Published.Select<JobProgressed>().Select(m => m.Context.Message).FirstOrDefault(p => p.Step == "waiting") is { } waiting)
                return waiting;
        throw new TimeoutException("no wait was announced");
    }

    private static async Task<int> WaitRowsAsync(ServiceTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DedupDbContext>().Set<JobWaitRow>().CountAsync();
    }

    /// <summary>Polls, at most 60 s, until no wait is left (a row goes just after its request is sent again or failed).</summary>
    private static async Task NoWaitsAsync(ServiceTestHost host)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(25))
            if (await WaitRowsAsync(host) == 0) return;
        Assert.Equal(0, await WaitRowsAsync(host));
    }

    [Fact]
    public async Task ARequestBeforeTheSignals_WaitsWithoutHoldingItsDelivery_AndRunsWhenTheLastShardsSignalsCome()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        var held = await PutCorpusWithoutLastSignalsAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });

        var waiting = await WaitingAsync(host);
        Assert.Equal((JobServices.Dedup, "golden-dev/rpv2-0.8", CorpusId, "signals (rpv2) of corpus golden-dev"),
            (waiting.Service, waiting.Job, waiting.CorpusId, waiting.WaitingFor));
        await host.QuiescentAsync(); // the request's delivery is over: nothing is in flight while it waits
        Assert.Single(host.Harness.Consumed.Select<DeduplicateCorpus>());
        Assert.Equal(1, await WaitRowsAsync(host));
        Assert.Empty(host.Harness.Sent.Select<HashDedupShard>());

        var stored = await host.Store.PutAsync(LastSignals, held);
        await host.Harness.Bus.Publish(new ShardSignalsComputed
        {
            CorpusId = CorpusId, Corpus = Corpus, Shard = 2, Config = "rpv2", Signals = stored, DocumentCount = 463,
            Resources = new Dictionary<string, string>(),
        });

        var done = Assert.Single(await host.PublishedAsync<CorpusDeduplicated>(1));
        Assert.Equal((1390L, "rpv2-0.8"), (done.Documents, done.Config));
        Assert.Equal(2, host.Harness.Consumed.Select<DeduplicateCorpus>().Count());
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task ARequestWaitingForSignalsThatFail_FailsTheDedup_NamingWhatItWaitedFor()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await PutCorpusWithoutLastSignalsAsync(host.Store);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });
        await WaitingAsync(host);

        await host.Harness.Bus.Publish(new ShardSignalsFailed { CorpusId = CorpusId, Corpus = Corpus, Shard = 2, Config = "rpv2", Reason = "corrupt zstd frame" });

        var failed = Assert.Single(await host.PublishedAsync<CorpusDeduplicationFailed>(1));
        Assert.Equal((Corpus, "rpv2-0.8", "waiting"), (failed.Corpus, failed.Config, failed.Step));
        Assert.Equal("waited for signals (rpv2) of corpus golden-dev, which failed: shard 2: corrupt zstd frame", failed.Reason);
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task SignalsOfAnotherCorpusOrConfig_DoNotReleaseTheWait()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await PutCorpusWithoutLastSignalsAsync(host.Store);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });
        await WaitingAsync(host);

        await host.Harness.Bus.Publish(new ShardSignalsFailed { CorpusId = CorpusNames.IdOf("other"), Corpus = "other", Shard = 2, Config = "rpv2", Reason = "x" });
        await host.Harness.Bus.Publish(new ShardSignalsFailed { CorpusId = CorpusId, Corpus = Corpus, Shard = 2, Config = "rpv3", Reason = "x" });
        await host.QuiescentAsync();
        // Published events are consumed asynchronously too: wait until both reached the waits queue.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline
             && host.Harness.Consumed.Select<ShardSignalsFailed>().Count() < 2; await Task.Delay(25)) { }

        Assert.Equal(2, host.Harness.Consumed.Select<ShardSignalsFailed>().Count());
        Assert.Empty(host.Harness.Published.Select<CorpusDeduplicationFailed>());
        Assert.Equal(1, await WaitRowsAsync(host));
    }
    private static Task MarkIngestionAsync(Storage.IObjectStore store, CorpusIngestionStage stage, string? error = null) =>
        Storage.CorpusObjects.WriteIngestionAsync(store, new CorpusIngestionState
        {
            CorpusId = CorpusId, Corpus = Corpus, Generation = 1, Stage = stage, ShardCount = stage == CorpusIngestionStage.Ingested ? 3 : 0, Error = error,
        }, CancellationToken.None);

    [Fact]
    public async Task ARequestWhileTheCorpusIsBeingIngested_WaitsForTheEndOfTheIngestion_ThenDedupsEveryShard()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        // Every shard so far has its signals: only the ingestion's word says more shards are coming.
        await CorpusShards.PutAsync(host.Store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        await MarkIngestionAsync(host.Store, CorpusIngestionStage.Ingesting);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });

        var waiting = await WaitingAsync(host);
        Assert.Equal("the ingestion of corpus golden-dev", waiting.WaitingFor);
        await host.QuiescentAsync();
        Assert.Empty(host.Harness.Sent.Select<LinkDedupPartition>());

        await MarkIngestionAsync(host.Store, CorpusIngestionStage.Ingested);
        await host.Harness.Bus.Publish(new CorpusIngested
        {
            CorpusId = CorpusId, Name = Corpus, ShardCount = 3, Read = 1390, Accepted = 1390, Rejected = 0, InvalidUtf8Replaced = 0, Generation = 1,
            RejectedByReason = new Dictionary<string, long>(), Languages = new Dictionary<string, long>(),
        });

        var done = Assert.Single(await host.PublishedAsync<CorpusDeduplicated>(1));
        Assert.Equal(1390L, done.Documents);
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task ARequestForACorpusWithNothingWrittenYet_WaitsForItsIngestion()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });

        Assert.Equal("the ingestion of corpus golden-dev", (await WaitingAsync(host)).WaitingFor);
        await host.QuiescentAsync();
        Assert.Empty(host.Harness.Published.Select<CorpusDeduplicationFailed>());
        Assert.Equal(1, await WaitRowsAsync(host));
    }

    [Fact]
    public async Task ARequestAfterTheIngestionFailed_IsRefusedAtOnce_WithTheIngestionsReason()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await CorpusShards.PutAsync(host.Store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        await MarkIngestionAsync(host.Store, CorpusIngestionStage.Failed, "the object store was away");

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });

        var failed = Assert.Single(await host.PublishedAsync<CorpusDeduplicationFailed>(1, faultsExpected: true));
        Assert.Equal("the ingestion of corpus 'golden-dev' failed: the object store was away", failed.Reason);
        Assert.Equal(0, await WaitRowsAsync(host));
    }
}
