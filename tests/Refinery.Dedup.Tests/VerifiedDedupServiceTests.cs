using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.TestSupport;
using Refinery.Text;

namespace Refinery.Dedup.Tests;

/// <summary>Verification in the service: a candidate pair joins only when its true Jaccard similarity reaches the
/// threshold, computed here independently over word 13-gram strings of the RPv2-normalised texts.</summary>
public sealed class VerifiedDedupServiceTests
{
    private static HashSet<string> Shingles(string text)
    {
        var words = Rpv2Normalizer.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Enumerable.Range(0, Math.Max(0, words.Length - 12)).Select(i => string.Join(' ', words, i, 13)).ToHashSet(StringComparer.Ordinal);
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b) => (double)a.Count(b.Contains) / a.Union(b).Count();

    [Fact]
    public async Task VerifiedClusters_AreConnectedByPairsAtTheThreshold_AndSplitTheUnverifiedOnes()
    {
        const double threshold = 0.7;
        var documents = await CorpusShards.ReadAsync("dedup", "dev_neardup_docs.jsonl.gz");
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await CorpusShards.PutAsync(host.Store, "dedup-dev", documents, shards: 3);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus),
            new DeduplicateCorpus { Corpus = "dedup-dev", Threshold = threshold, Exact = ExactMode.None, Verify = true });
        var verified = Assert.Single(await host.PublishedAsync<CorpusDeduplicated>(1));
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus),
            new DeduplicateCorpus { Corpus = "dedup-dev", Threshold = threshold, Exact = ExactMode.None });
        var plain = (await host.PublishedAsync<CorpusDeduplicated>(2))[1];

        Assert.Equal("rpv2-0.7-none-verify", verified.Config);
        var shingles = documents.ToDictionary(d => d.Id, d => Shingles(d.Text));
        var verifiedRows = await CorpusShards.ClustersAsync(host.Store, verified.Clusters);
        var plainCluster = (await CorpusShards.ClustersAsync(host.Store, plain.Clusters)).ToDictionary(r => r.Id, r => r.ClusterId);
        foreach (var cluster in verifiedRows.GroupBy(r => r.ClusterId).Select(g => g.Select(r => r.Id).ToList()))
        {
            // Reachable from the first member over pairs whose true Jaccard reaches the threshold: all of them.
            var reached = new HashSet<string> { cluster[0] };
            var frontier = new Queue<string>(reached);
            while (frontier.TryDequeue(out var at))
                foreach (var other in cluster.Where(o => !reached.Contains(o) && Jaccard(shingles[at], shingles[o]) >= threshold))
                {
                    reached.Add(other);
                    frontier.Enqueue(other);
                }
            Assert.Equal(cluster.Count, reached.Count);
            Assert.Single(cluster.Select(id => plainCluster[id]).Distinct());
        }
        Assert.True(verified.ClusteredDocuments < plain.ClusteredDocuments,
            $"verification removed no link: {verified.ClusteredDocuments} vs {plain.ClusteredDocuments} clustered documents");
    }
}
