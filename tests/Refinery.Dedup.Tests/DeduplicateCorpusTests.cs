using System.Globalization;
using System.Text.Json;
using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service over signal shards: partitions linked by the consumers, merged into clusters.</summary>
public sealed class DeduplicateCorpusTests
{
    private const string Corpus = "golden-dev";

    /// <summary>The golden documents as the signals service leaves them: three signal shards (and the three document
    /// shards they come from, which only need to exist here).</summary>
    private static async Task PutGoldenShardsAsync(IObjectStore store)
    {
        var documents = new List<SignalDocument>();
        await foreach (var item in SignalInputReader.ReadAsync(SharedData.Path("golden", "signals_dev_docs.jsonl.gz"), "en"))
            documents.Add(item.Document!);
        var computer = new Rpv2SignalComputer(Rpv2Resources.Empty);
        var perShard = (documents.Count + 2) / 3;
        for (var shard = 0; shard < 3; shard++)
        {
            using var file = new MemoryStream();
            await using (var writer = await SignalParquetWriter.CreateAsync(file, new SignalFileInfo { Config = "rpv2" }))
            {
                foreach (var document in documents.Skip(shard * perShard).Take(perShard)) await writer.WriteAsync(computer.Compute(document));
                await writer.CompleteAsync();
            }
            file.Position = 0;
            await store.PutAsync($"signals/{Corpus}/{shard:D5}.rpv2.parquet", file);
            await store.PutAsync($"docs/{Corpus}/{shard:D5}.jsonl.zst", new MemoryStream([1, 2, 3]));
        }
    }

    private static List<(string Id, ulong ClusterId)> Golden(double threshold) =>
        File.ReadLines(SharedData.Path("golden", "lsh_dev_expected.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("similarity").GetDouble() == threshold)
            .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("cluster_id").GetUInt64())).Order().ToList();

    private static async Task<List<(string Id, ulong ClusterId, bool Keep)>> ReadClustersAsync(IObjectStore store, ObjectRef clusters)
    {
        using var buffer = new MemoryStream();
        await using (var raw = await store.OpenReadAsync(clusters.Key)) await raw.CopyToAsync(buffer);
        buffer.Position = 0;
        return (await Pipeline.ClusterMerger.ReadAsync(buffer)).Select(r => (r.Id, r.ClusterId, r.Keep)).ToList();
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(1.0)]
    public async Task Clusters_FromPartitionedLinking_AreRpv2sGoldenClusters(double threshold)
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await PutGoldenShardsAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = threshold });

        // Two partitions finishing at once may both send FinishDedup: then the same event is published twice.
        var events = await host.PublishedAsync<CorpusDeduplicated>(1);
        var done = events[0];
        Assert.All(events, e => Assert.Equal(done, e));
        Assert.Equal($"rpv2-{threshold.ToString("0.0#", CultureInfo.InvariantCulture)}", done.Config);
        Assert.Equal(1390, done.Documents);
        Assert.Equal($"dedup/{Corpus}/{done.Config}/clusters.parquet", done.Clusters.Key);
        var clusters = await ReadClustersAsync(host.Store, done.Clusters);
        Assert.Equal(Golden(threshold), clusters.Select(c => (c.Id, c.ClusterId)).Order().ToList());
        Assert.All(clusters.GroupBy(c => c.ClusterId), cluster => Assert.Single(cluster, c => c.Keep));
        Assert.Equal(3, host.Harness.Consumed.Select<LinkDedupPartition>().Count());
    }

    [Fact]
    public async Task TheSameRequestAgain_FindsTheFinishedJob_AndPublishesTheSameClusters()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await PutGoldenShardsAsync(host.Store);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.7 });
        var first = (await host.PublishedAsync<CorpusDeduplicated>(1))[0];
        await Task.Delay(500); // a second FinishDedup of the first run (two partitions finishing at once) publishes now
        var before = (await host.PublishedAsync<CorpusDeduplicated>(1)).Count;

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = Corpus, Threshold = 0.7 });

        var after = await host.PublishedAsync<CorpusDeduplicated>(before + 1);
        Assert.Equal(before + 1, after.Count);
        Assert.Equal(first, after[^1]);
        Assert.Equal(2, host.Harness.Consumed.Select<LinkDedupPartition>().Count()); // nothing linked twice
    }

    [Fact]
    public async Task ACorpusWithoutDocuments_FailsWithTheReason()
    {
        await using var host = await DedupTestHost.StartAsync();

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = "nothing-here", Threshold = 0.8 });

        var fault = Assert.Single(await host.PublishedAsync<Fault<DeduplicateCorpus>>(1));
        Assert.Contains("has no document shards", fault.Exceptions[0].Message);
    }
}
