using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Dedup.Gc;
using Refinery.Hosting.Storage;
using Refinery.Quality.Rpv2;
using Refinery.Storage;
using Refinery.TestSupport;
using Xunit.Abstractions;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service's storage sweep: superseded exact-index versions go and the current ones stay, job files
/// no row names go once no job of theirs works, and a sweep running during jobs changes none of their outputs.</summary>
public sealed class DedupSweepTests(ITestOutputHelper output)
{
    private static async Task<List<SignalDocument>> DevDocumentsAsync() => await CorpusShards.ReadAsync("dedup", "dev_neardup_docs.jsonl.gz");

    /// <summary>Two corpora sharing texts: the second one's index partitions move past the first one's versions.</summary>
    private static async Task PutCorporaAsync(IObjectStore store)
    {
        var documents = await DevDocumentsAsync();
        var first = documents.Take(400).ToList();
        var second = documents.Skip(400).Concat(first.Where((_, i) => i % 13 == 0).Select(d => d with { Id = "again-" + d.Id })).ToList();
        await CorpusShards.PutAsync(store, "first", first, shards: 2);
        await CorpusShards.PutAsync(store, "second", second, shards: 3);
    }

    private static async Task<CorpusDeduplicated> DeduplicateAsync(ServiceTestHost host, string corpus)
    {
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = corpus, Threshold = 0.8 });
        var corpusId = Contracts.Ingestion.CorpusNames.IdOf(corpus);
        for (var wait = 0; wait < 600; wait++)
        {
            if ((await host.PublishedAsync<CorpusDeduplicated>(1)).FirstOrDefault(e => e.CorpusId == corpusId) is { } done) return done;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no CorpusDeduplicated for {corpus}");
    }

    private static Task<SweepResult> SweepAsync(ServiceTestHost host, TimeSpan grace, bool dryRun = false) =>
        host.SweepAsync<DedupSweepRule>(grace, dryRun);

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(prefix)) keys.Add(info.Key);
        return keys;
    }

    private static async Task<List<string>> CurrentIndexKeysAsync(ServiceTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DedupDbContext>().IndexPartitions.Select(p => p.Key).ToListAsync();
    }

    [Fact]
    public async Task ASupersededIndexVersion_IsSwept_AndTheCurrentOneKept()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await PutCorporaAsync(host.Store);
        await DeduplicateAsync(host, "first");
        await DeduplicateAsync(host, "second");
        var index = await KeysAsync(host.Store, "dedup/index/");
        var current = await CurrentIndexKeysAsync(host);
        var jobFiles = (await KeysAsync(host.Store, "dedup/")).Except(index).ToList();
        await Task.Delay(1100); // the folder store stamps puts anywhere within the current second

        var result = await SweepAsync(host, TimeSpan.Zero);

        Assert.True(index.Count > current.Count, $"the second corpus moved no index partition ({index.Count} objects, {current.Count} current)");
        Assert.Equal(index.Except(current).Order(StringComparer.Ordinal), result.Swept.Select(s => s.Key));
        Assert.Equal(current.Order(StringComparer.Ordinal), await KeysAsync(host.Store, "dedup/index/"));
        Assert.Equal(jobFiles, (await KeysAsync(host.Store, "dedup/")).Except(current)); // every job file is named by a row
        output.WriteLine($"swept {result.Count} superseded index versions, {result.Bytes} bytes; {current.Count} current versions kept");

        // The index still answers: the first corpus again finds none of its own keys as earlier copies.
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = "first", Threshold = 0.7 });
        var again = (await host.PublishedAsync<CorpusDeduplicated>(3)).Single(e => e.Config == "rpv2-0.7");
        Assert.Equal(0, again.EarlierCorpusDuplicates);
    }

    [Fact]
    public async Task AJobFileNoRowNames_IsSwept_WhileUnknownShapesAndOtherAreasStay()
    {
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await PutCorporaAsync(host.Store);
        var done = await DeduplicateAsync(host, "first");
        var loser = $"dedup/first/{done.Config}/edges/00000.0123456789abcdef.bin"; // a partition result whose commit lost
        string[] kept = [$"dedup/first/{done.Config}/notes.txt", "dedup/index/normalized/zz/0000000001-x.bin", "docs/first/00000.jsonl.zst"];
        foreach (var key in kept.Take(2).Append(loser)) await host.Store.PutAsync(key, new MemoryStream([1, 2, 3]));
        await Task.Delay(1100);

        var result = await SweepAsync(host, TimeSpan.Zero);

        Assert.Equal([loser], result.Swept.Select(s => s.Key));
        foreach (var key in kept) Assert.NotNull(await host.Store.StatAsync(key));
        Assert.NotNull(await host.Store.StatAsync(done.Clusters.Key));
    }

    [Fact]
    public async Task ASweepAtGraceZero_DuringDedupJobs_LeavesTheirClustersIdentical_ToARunWithoutSweeps()
    {
        List<Refinery.Quality.Formats.ClusterRow> expectedFirst, expectedSecond;
        await using (var quiet = await DedupTestHost.StartAsync(partitions: 3))
        {
            await PutCorporaAsync(quiet.Store);
            expectedFirst = await CorpusShards.ClustersAsync(quiet.Store, (await DeduplicateAsync(quiet, "first")).Clusters);
            expectedSecond = await CorpusShards.ClustersAsync(quiet.Store, (await DeduplicateAsync(quiet, "second")).Clusters);
        }

        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await PutCorporaAsync(host.Store);
        using var stop = new CancellationTokenSource();
        var sweeps = host.SweepUntilAsync<DedupSweepRule>(stop.Token);
        var first = await DeduplicateAsync(host, "first");
        var second = await DeduplicateAsync(host, "second");
        await stop.CancelAsync();
        var results = await sweeps;

        Assert.Equal(expectedFirst, await CorpusShards.ClustersAsync(host.Store, first.Clusters));
        Assert.Equal(expectedSecond, await CorpusShards.ClustersAsync(host.Store, second.Clusters));
        Assert.True(results.Count >= 3, $"only {results.Count} sweeps ran during the jobs");
        output.WriteLine($"{results.Count} sweeps during the jobs deleted {results.Sum(r => r.Count)} objects, {results.Sum(r => r.Bytes)} bytes");
    }
}
