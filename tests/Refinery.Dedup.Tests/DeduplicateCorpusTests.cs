using System.Globalization;
using System.Text.Json;
using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service's near-duplicate half over signal shards: partitions linked by the consumers, merged into
/// clusters, against RPv2's golden LSH clusters.</summary>
public sealed class DeduplicateCorpusTests
{
    private const string Corpus = "golden-dev";

    private static async Task PutGoldenShardsAsync(Storage.IObjectStore store) =>
        await CorpusShards.PutAsync(store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);

    private static List<(string Id, ulong ClusterId)> Golden(double threshold) =>
        File.ReadLines(TestSupport.SharedData.Path("golden", "lsh_dev_expected.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("similarity").GetDouble() == threshold)
            .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("cluster_id").GetUInt64())).Order().ToList();

    [Theory]
    [InlineData(0.8)]
    [InlineData(1.0)]
    public async Task Clusters_FromPartitionedLinking_AreRpv2sGoldenClusters(double threshold)
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await PutGoldenShardsAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus),
            new DeduplicateCorpus { Corpus = Corpus, Threshold = threshold, Exact = ExactMode.None });

        var done = Assert.Single(await host.PublishedAsync<CorpusDeduplicated>(1));
        Assert.Equal($"rpv2-{threshold.ToString("0.0#", CultureInfo.InvariantCulture)}-none", done.Config);
        Assert.Equal(1390, done.Documents);
        Assert.Equal($"dedup/{Corpus}/{done.Config}/clusters.parquet", done.Clusters.Key);
        var clusters = await CorpusShards.ClustersAsync(host.Store, done.Clusters);
        Assert.Equal(Golden(threshold), clusters.Select(c => (c.Id, c.ClusterId)).Order().ToList());
        Assert.All(clusters.GroupBy(c => c.ClusterId), cluster => Assert.Single(cluster, c => c.Keep));
        Assert.All(clusters, c => Assert.Equal("near", c.Kind));
        Assert.Equal(3, host.Harness.Consumed.Select<LinkDedupPartition>().Count());
        Assert.Empty(host.Harness.Consumed.Select<HashDedupShard>()); // without exact dedup the texts are not read
    }

    [Fact]
    public async Task TheSameRequestAgain_FindsTheFinishedJob_AndPublishesTheSameClusters()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await PutGoldenShardsAsync(host.Store);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.7 });
        var first = (await host.PublishedAsync<CorpusDeduplicated>(1))[0];
        await host.QuiescentAsync(); // a second FinishDedup (two partitions completed at once) has been consumed by now

        Assert.Single(host.Harness.Published.Select<CorpusDeduplicated>());
        // Each stage's commands went out once: two hash consumers finishing the last shards together send the
        // partitions once between them, not once each.
        Assert.Equal(2, host.Harness.Sent.Select<LinkDedupPartition>().Count());
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.7 });

        var after = await host.PublishedAsync<CorpusDeduplicated>(2);
        await host.QuiescentAsync();
        Assert.Equal(first, after[^1]);
        Assert.Equal(2, host.Harness.Consumed.Select<LinkDedupPartition>().Count()); // nothing linked twice
        Assert.Equal(3, host.Harness.Consumed.Select<HashDedupShard>().Count()); // nothing hashed twice
    }

    [Fact]
    public async Task AJob_PublishesItsProgress_ForEachStage_UpToItsTotal()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await PutGoldenShardsAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8 });
        var done = Assert.Single(await host.PublishedAsync<CorpusDeduplicated>(1));
        await host.QuiescentAsync();

        var trail = JobProgressTrail.Of(host.Harness, Contracts.Jobs.JobServices.Dedup, $"{Corpus}/{done.Config}");
        JobProgressTrail.AssertSteps(trail, ["hash shards", "link partitions", "finish"], fannedOut: ["hash shards", "link partitions"]);
        Assert.Equal((3, 3, 1), (trail.Last(p => p.Step == "hash shards").Total, trail.Last(p => p.Step == "link partitions").Total,
            trail.Last().Total));
        Assert.All(trail, p => Assert.Equal((CorpusNames.IdOf(Corpus), (string?)null), (p.CorpusId, p.WaitingFor)));
    }

    [Fact]
    public async Task ACorpusIngestedWithoutDocuments_FailsWithTheReason()
    {
        await using var host = await DedupTestHost.StartAsync();
        // Every record was rejected: the ingestion ended with no shards.
        await Storage.CorpusObjects.WriteIngestionAsync(host.Store, new CorpusIngestionState
        {
            CorpusId = CorpusNames.IdOf("nothing-here"), Corpus = "nothing-here", Generation = 1, Stage = CorpusIngestionStage.Ingested,
        }, CancellationToken.None);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = "nothing-here", Threshold = 0.8 });

        var fault = Assert.Single(await host.PublishedAsync<Fault<DeduplicateCorpus>>(1));
        Assert.Contains("has no document shards", fault.Exceptions[0].Message);
        var failed = Assert.Single(await host.PublishedAsync<CorpusDeduplicationFailed>(1, faultsExpected: true));
        Assert.Equal(("nothing-here", CorpusNames.IdOf("nothing-here"), "rpv2-0.8", "request"), (failed.Corpus, failed.CorpusId, failed.Config, failed.Step));
        Assert.Contains("has no document shards", failed.Reason);
    }

    [Fact]
    public async Task ASignalShardThatIsNotTheOneTheJobRecorded_FailsTheDedup_NamingTheLinkStep()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await PutGoldenShardsAsync(host.Store);
        var shards = await Storage.CorpusObjects.ListAsync(host.Store, Corpus, "rpv2", CancellationToken.None);
        // The job recorded shard 1's signals before they were rewritten: its bytes no longer have the recorded sha256.
        var signals = shards.Select((s, i) => i == 1 ? s.Signals! with { Sha256 = new string('0', 64) } : s.Signals!).ToArray();
        var job = new Domain.DedupJob
        {
            Id = Guid.NewGuid(), CorpusId = CorpusNames.IdOf(Corpus), Corpus = Corpus, Config = "rpv2-0.8-none", Threshold = 0.8,
            Exact = ExactMode.None, Partitions = 2, ShardsJson = Pipeline.JobShards.ToJson(signals),
            DocumentsJson = Pipeline.JobShards.ToJson(shards.Select(s => s.Documents).ToArray()), CreatedAt = DateTime.UtcNow,
        };
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Data.DedupCatalog>().AddJobAsync(job, CancellationToken.None);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.LinkDedupPartition), new LinkDedupPartition { JobId = job.Id, Partition = 1 });

        var failed = Assert.Single(await host.PublishedAsync<CorpusDeduplicationFailed>(1, faultsExpected: true));
        Assert.Equal((Corpus, job.CorpusId, "rpv2-0.8-none", "link partition 1"), (failed.Corpus, failed.CorpusId, failed.Config, failed.Step));
        Assert.Contains("signals/golden-dev/00001.rpv2.parquet is not the object recorded", failed.Reason);
        Assert.Empty(host.Harness.Published.Select<CorpusDeduplicated>());
    }

    [Fact]
    public async Task AnUnknownKeepSignal_FailsNamingIt()
    {
        await using var host = await DedupTestHost.StartAsync();
        await PutGoldenShardsAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus),
            new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.8, Keep = new KeepPolicy(KeepKind.Max, "rps_doc_wordcount") });

        var fault = Assert.Single(await host.PublishedAsync<Fault<DeduplicateCorpus>>(1));
        Assert.Contains("'rps_doc_wordcount' is not a document-level RPv2 signal", fault.Exceptions[0].Message);
    }
}
