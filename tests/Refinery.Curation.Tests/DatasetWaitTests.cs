using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Signals;
using Refinery.Curation.Data;
using Refinery.Hosting.Jobs;
using Refinery.Quality.Formats;
using Refinery.Storage;
using Refinery.TestSupport;
using static Refinery.Curation.Tests.GoldenSignals;

namespace Refinery.Curation.Tests;

/// <summary>Dataset requests that come before their inputs (the end of the corpus's ingestion, its signals, its duplicate
/// clusters): they wait without holding their delivery and are sent again when the awaited event comes.</summary>
public sealed class DatasetWaitTests
{
    private const string Corpus = "golden-dev";
    private const string ClustersKey = $"dedup/{Corpus}/rpv2-0.8/clusters.parquet";
    private static readonly Guid CorpusId = CorpusNames.IdOf(Corpus);

    private static async Task PutCorpusAsync(IObjectStore store) =>
        await CorpusShards.PutAsync(store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);

    private static CreateDatasetVersion DedupOnly(Guid? requestId = null) =>
        new() { Dataset = "deduped", Corpora = [Corpus], Recipe = "dedup-only", Tokenizer = TokenizerKind.Bytes, RequestId = requestId };

    /// <summary>Every document in a cluster of its own but every seventh, dropped: a clusters file as dedup leaves it.</summary>
    private static async Task<byte[]> ClustersAsync()
    {
        var ids = Records.Select(r => r.GetProperty("id").GetString()!).ToList();
        using var clusters = new MemoryStream();
        await ClustersFile.WriteAsync(clusters, ids.Select((id, i) => new ClusterRow(id, (ulong)i, 0, "near", i % 7 != 3, null)).ToList());
        return clusters.ToArray();
    }

    private static async Task PutClustersAsync(IObjectStore store) => await store.PutAsync(ClustersKey, new MemoryStream(await ClustersAsync()));

    private static Task SendAsync(ServiceTestHost host, CreateDatasetVersion request) =>
        host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion), request);

    private static async Task<List<JobWaitRow>> WaitsAsync(ServiceTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CurationDbContext>().Set<JobWaitRow>().AsNoTracking().ToListAsync();
    }

    /// <summary>Polls, at most 60 s, until no wait is left: a wait's row is deleted just after its request is sent
    /// again or its failure published, so a crash in between repeats them rather than losing them.</summary>
    private static async Task NoWaitsAsync(ServiceTestHost host)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(25))
            if ((await WaitsAsync(host)).Count == 0) return;
        Assert.Empty(await WaitsAsync(host));
    }

    /// <summary>Polls, at most 60 s, until the request consumer has finished <paramref name="count"/> deliveries.</summary>
    private static async Task ConsumedAsync(ServiceTestHost host, int count)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(25))
            if (host.Harness.Consumed.Select<CreateDatasetVersion>().Count() >= count) return;
        Assert.Fail($"CreateDatasetVersion was not consumed {count} times");
    }

    /// <summary>The progress events that announced a wait (other steps announce progress too), at least one within 60 s.</summary>
    private static async Task<List<JobProgressed>> WaitingAsync(ServiceTestHost host)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(25))
            if (Announced(host) is { Count: > 0 } waiting) return waiting;
        return Announced(host);
    }

    private static List<JobProgressed> Announced(ServiceTestHost host) =>
        host.Harness.Published.Select<JobProgressed>().Select(m => m.Context.Message).Where(p => p.Step == "waiting").ToList();

    private static CorpusDeduplicated Deduplicated(IObjectStore store) => new()
    {
        CorpusId = CorpusId, Corpus = Corpus, Config = "rpv2-0.8", Threshold = 0.8, Documents = 1390, ClusteredDocuments = 1390,
        ClusterCount = 1390, Removed = 199, Clusters = new ObjectRef { Bucket = store.Bucket, Key = ClustersKey, Sha256 = "", Length = 0 },
    };

    [Fact]
    public async Task AVersionRequestedBeforeItsDedup_AsksForTheDedup_WaitsWithoutHoldingItsDelivery_AndIsCreatedWhenTheClustersCome()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var requestId = Guid.NewGuid();

        await SendAsync(host, DedupOnly(requestId));

        var waiting = Assert.Single(await WaitingAsync(host));
        Assert.Equal((JobServices.Curation, "deduped", requestId, "waiting"), (waiting.Service, waiting.Job, waiting.RequestId, waiting.Step));
        Assert.Equal("duplicate clusters rpv2-0.8 of corpus golden-dev (a deduplication of it)", waiting.WaitingFor);
        await ConsumedAsync(host, 1); // the delivery completed: the request holds nothing while it waits
        var row = Assert.Single(await WaitsAsync(host));
        Assert.Equal(JobWaitKeys.Dedup(CorpusId, "rpv2-0.8"), row.Key);
        // Nobody asked for these clusters: the version asks the Dedup service for them, with the options its recipe reads.
        var asked = Assert.Single(host.Harness.Sent.Select<DeduplicateCorpus>()).Context;
        Assert.EndsWith("/" + CommandQueues.DeduplicateCorpus, asked.DestinationAddress!.AbsolutePath);
        Assert.Equal("rpv2-0.8", DedupOutputs.Config(asked.Message));
        Assert.Equal(Corpus, asked.Message.Corpus);

        await PutClustersAsync(host.Store);
        await host.Harness.Bus.Publish(Deduplicated(host.Store));

        var created = Assert.Single(await host.PublishedAsync<DatasetVersionCreated>(1));
        Assert.Equal((requestId, 1390L - 199), (created.RequestId, created.KeptDocuments));
        Assert.Equal(2, host.Harness.Consumed.Select<CreateDatasetVersion>().Count()); // once waiting, once sent again
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task AVersionRequestedWhileItsCorpusIsBeingIngested_WaitsForTheEnd_ThenReadsEveryShard()
    {
        await using var host = await CurationTestHost.StartAsync();
        // The first shard is ingested and has its signals; the ingestion is still under way.
        await CorpusShards.PutAsync(host.Store, Corpus, (await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz")).Take(400).ToList(), shards: 1);
        await Storage.CorpusObjects.WriteIngestionAsync(host.Store, new CorpusIngestionState
        {
            CorpusId = CorpusId, Corpus = Corpus, Generation = 1, Stage = CorpusIngestionStage.Ingesting,
        }, CancellationToken.None);
        var request = new CreateDatasetVersion { Dataset = "whole", Corpora = [Corpus], Recipe = "none", Tokenizer = TokenizerKind.Bytes };

        await SendAsync(host, request);

        Assert.Equal("the ingestion of corpus golden-dev", Assert.Single(await WaitingAsync(host)).WaitingFor);
        await ConsumedAsync(host, 1);
        Assert.Empty(host.Harness.Sent.Select<CurateDatasetPart>());

        // The run ends with every shard (the first one rewritten as part of three).
        await PutCorpusAsync(host.Store);
        await Storage.CorpusObjects.WriteIngestionAsync(host.Store, new CorpusIngestionState
        {
            CorpusId = CorpusId, Corpus = Corpus, Generation = 1, Stage = CorpusIngestionStage.Ingested, ShardCount = 3,
        }, CancellationToken.None);
        await host.Harness.Bus.Publish(new CorpusIngested
        {
            CorpusId = CorpusId, Name = Corpus, ShardCount = 3, Read = 1390, Accepted = 1390, Rejected = 0, InvalidUtf8Replaced = 0,
            Generation = 1, RejectedByReason = new Dictionary<string, long>(), Languages = new Dictionary<string, long>(),
        });

        var created = Assert.Single(await host.PublishedAsync<DatasetVersionCreated>(1));
        Assert.Equal(1390L, created.Documents);
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task AVersionRequestedBeforeItsSignals_IsCreatedWhenTheLastShardsSignalsCome()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var signals = SignalsKeys.Signals(Corpus, 2, "rpv2");
        var held = new MemoryStream();
        await using (var file = await host.Store.OpenReadAsync(signals)) await file.CopyToAsync(held);
        await host.Store.DeleteAsync(signals);

        await SendAsync(host, new CreateDatasetVersion { Dataset = "plain", Corpora = [Corpus], Recipe = "none", Tokenizer = TokenizerKind.Bytes });
        var waiting = Assert.Single(await WaitingAsync(host));
        Assert.Equal("signals (rpv2) of corpus golden-dev", waiting.WaitingFor);

        held.Position = 0;
        var stored = await host.Store.PutAsync(signals, held);
        await host.Harness.Bus.Publish(new ShardSignalsComputed
        {
            CorpusId = CorpusId, Corpus = Corpus, Shard = 2, Config = "rpv2", Signals = stored, DocumentCount = 463,
            Resources = new Dictionary<string, string>(),
        });

        Assert.Equal(1390, Assert.Single(await host.PublishedAsync<DatasetVersionCreated>(1)).KeptDocuments);
    }

    [Fact]
    public async Task AWaitWhoseDedupFails_FailsTheVersion_NamingWhatItWaitedFor()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var requestId = Guid.NewGuid();
        await SendAsync(host, DedupOnly(requestId));
        await WaitingAsync(host);

        await host.Harness.Bus.Publish(new CorpusDeduplicationFailed
        {
            CorpusId = CorpusId, Corpus = Corpus, Config = "rpv2-0.8", Step = "link partition 1", Reason = "the store was away",
        });

        var failed = Assert.Single(await host.PublishedAsync<DatasetVersionFailed>(1));
        Assert.Equal(("deduped", "", "waiting", requestId), (failed.Dataset, failed.Version, failed.Step, failed.RequestId));
        Assert.Equal("waiting: waited for duplicate clusters rpv2-0.8 of corpus golden-dev (a deduplication of it), which failed: " +
                     "link partition 1: the store was away", failed.Reason);
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task AWaitLongerThanTheTimeout_FailsTheVersion_SayingWhatItWaitedFor()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        await SendAsync(host, DedupOnly());
        await WaitingAsync(host);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var sweeper = scope.ServiceProvider.GetRequiredService<JobWaitSweeper<CurationDbContext>>();
            Assert.Equal(new JobWaitSweepResult(0, 0), await sweeper.SweepAsync(DateTime.UtcNow.AddMinutes(1), default));
            Assert.Equal(new JobWaitSweepResult(1, 0), await sweeper.SweepAsync(DateTime.UtcNow.AddHours(25), default));
        }

        var failed = Assert.Single(await host.PublishedAsync<DatasetVersionFailed>(1));
        Assert.Equal("waiting: waited for duplicate clusters rpv2-0.8 of corpus golden-dev (a deduplication of it) for more than 24 h", failed.Reason);
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task ClustersThatComeBetweenTheCheckAndTheRecord_StillReleaseTheRequest()
    {
        // The clusters land (and their CorpusDeduplicated finds no wait to release) just after the request's check:
        // only the check again after recording the wait can see them.
        var clusters = await ClustersAsync();
        await using var host = await ServiceTestHost.StartAsync("curation", new Dictionary<string, string?>(), b =>
        {
            b.AddCurationService();
            var inner = b.Services.Last(d => d.ServiceType == typeof(IObjectStore));
            b.Services.AddSingleton<IObjectStore>(sp => new LandsAfterFirstLook((IObjectStore)inner.ImplementationFactory!(sp), ClustersKey, clusters));
        }, CurationServiceExtensions.AddConsumers);
        await PutCorpusAsync(host.Store);

        await SendAsync(host, DedupOnly());

        Assert.Single(await host.PublishedAsync<DatasetVersionCreated>(1));
        Assert.Empty(Announced(host)); // it never announced a wait: it was ready at once
        Assert.Equal(2, host.Harness.Consumed.Select<CreateDatasetVersion>().Count());
        await NoWaitsAsync(host);
    }

    [Fact]
    public async Task TheSameRequestTwice_WaitsAsOneRow_AndIsSentAgainOnce()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var request = DedupOnly(Guid.NewGuid());

        await SendAsync(host, request);
        await SendAsync(host, request);
        await ConsumedAsync(host, 2);
        await host.QuiescentAsync();
        Assert.Single(await WaitsAsync(host));

        await PutClustersAsync(host.Store);
        await host.Harness.Bus.Publish(Deduplicated(host.Store));
        await host.PublishedAsync<DatasetVersionCreated>(1);
        await host.QuiescentAsync();

        Assert.Equal(3, host.Harness.Consumed.Select<CreateDatasetVersion>().Count());
        Assert.Single(host.Harness.Published.Select<DatasetVersionCreated>());
    }

    /// <summary>A store where one object is missing at the first look and there from then on.</summary>
    private sealed class LandsAfterFirstLook(IObjectStore inner, string key, byte[] content) : IObjectStore
    {
        private int _looks;

        public string Bucket => inner.Bucket;
        public Task<ObjectRef> PutAsync(string k, Stream s, CancellationToken ct = default) => inner.PutAsync(k, s, ct);
        public Task<Stream> OpenReadAsync(string k, CancellationToken ct = default) => inner.OpenReadAsync(k, ct);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct = default) => inner.ListAsync(prefix, ct);
        public Task<bool> DeleteAsync(string k, CancellationToken ct = default) => inner.DeleteAsync(k, ct);
        public Task<ObjectRef> CopyAsync(string s, string d, CancellationToken ct = default) => inner.CopyAsync(s, d, ct);

        public async Task<ObjectInfo?> StatAsync(string k, CancellationToken ct = default)
        {
            if (k != key || Interlocked.Increment(ref _looks) > 1) return await inner.StatAsync(k, ct);
            await inner.PutAsync(key, new MemoryStream(content), ct);
            return null;
        }
    }
}
