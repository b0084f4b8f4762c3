using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;
using Refinery.Text;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service's exact half on the labelled dedup set (real pages with exact and near variants): copies
/// of a normalised text within a corpus, the persistent index across corpora, Bloom mode and keep policies. Expected
/// values come from grouping the texts' RPv2 normalisation as strings, not from the service's 128-bit keys.</summary>
public sealed class ExactDedupServiceTests
{
    private static async Task<List<SignalDocument>> DevDocumentsAsync() => await CorpusShards.ReadAsync("dedup", "dev_neardup_docs.jsonl.gz");

    private static async Task<CorpusDeduplicated> DeduplicateAsync(TestSupport.ServiceTestHost host, DeduplicateCorpus request, int expected = 1)
    {
        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), request);
        var corpusId = Contracts.Ingestion.CorpusNames.IdOf(request.Corpus);
        for (var wait = 0; wait < 600; wait++)
        {
            var done = (await host.PublishedAsync<CorpusDeduplicated>(1)).Where(e => e.CorpusId == corpusId && e.Config == DedupOutputs.Config(request)).ToList();
            if (done.Count >= expected) return done[^1];
            await Task.Delay(100);
        }
        throw new TimeoutException($"no CorpusDeduplicated for {request.Corpus}");
    }

    /// <summary>Documents by their normalised text, in document order.</summary>
    private static Dictionary<string, List<SignalDocument>> ByText(IEnumerable<SignalDocument> documents)
    {
        var groups = new Dictionary<string, List<SignalDocument>>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            var text = Rpv2Normalizer.Normalize(document.Text);
            if (!groups.TryGetValue(text, out var group)) groups[text] = group = [];
            group.Add(document);
        }
        return groups;
    }

    [Fact]
    public async Task ExactSet_PutsEveryCopyOfANormalisedTextInItsCluster_AndKeepsTheFirst()
    {
        var documents = await DevDocumentsAsync();
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await CorpusShards.PutAsync(host.Store, "dedup-dev", documents, shards: 4);

        var done = await DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "dedup-dev", Threshold = 0.8 });

        var rows = (await CorpusShards.ClustersAsync(host.Store, done.Clusters)).ToDictionary(r => r.Id);
        var copies = ByText(documents).Values.Where(g => g.Count > 1).ToList();
        Assert.NotEmpty(copies);
        Assert.Equal(copies.Sum(g => g.Count - 1), done.ExactDuplicates);
        Assert.Equal(0, done.EarlierCorpusDuplicates);
        foreach (var group in copies)
        {
            Assert.Single(group.Select(d => rows[d.Id].ClusterId).Distinct());
            Assert.All(group, d => Assert.Equal("exact", rows[d.Id].Kind));
            Assert.All(group.Skip(1), d => Assert.False(rows[d.Id].Keep));
        }
        var order = documents.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i);
        foreach (var cluster in rows.Values.GroupBy(r => r.ClusterId))
            Assert.Equal(cluster.MinBy(r => order[r.Id])!.Id, Assert.Single(cluster, r => r.Keep).Id);
        Assert.Equal(4, host.Harness.Consumed.Select<HashDedupShard>().Count());
    }

    [Fact]
    public async Task BloomMode_FindsTheSameCopies_AsTheExactSet()
    {
        var documents = await DevDocumentsAsync();
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await CorpusShards.PutAsync(host.Store, "dedup-dev", documents, shards: 4);

        var done = await DeduplicateAsync(host, new DeduplicateCorpus
            { Corpus = "dedup-dev", Threshold = 0.8, Exact = ExactMode.Bloom, FalsePositiveRate = 0.0001 });

        Assert.Equal("rpv2-0.8-bloom0.0001", done.Config);
        var rows = (await CorpusShards.ClustersAsync(host.Store, done.Clusters)).ToDictionary(r => r.Id);
        var copies = ByText(documents).Values.SelectMany(g => g.Skip(1)).ToList();
        Assert.Equal(copies.Count, done.ExactDuplicates);
        Assert.All(copies, d => Assert.True(rows.TryGetValue(d.Id, out var row) && row is { Kind: "exact", Keep: false }, d.Id));
    }

    [Fact]
    public async Task ASecondCorpus_IsDeduplicatedAgainstTheIndexOfTheFirst_WhichDoesNotThenFindItself()
    {
        var documents = await DevDocumentsAsync();
        var first = documents.Take(400).ToList();
        var again = first.Where((_, i) => i % 13 == 0).Select(d => d with { Id = "again-" + d.Id }).ToList();
        var second = documents.Skip(400).Concat(again).ToList();
        await using var host = await DedupTestHost.StartAsync(partitions: 3);
        await CorpusShards.PutAsync(host.Store, "first", first, shards: 2);
        await CorpusShards.PutAsync(host.Store, "second", second, shards: 3);

        await DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "first", Threshold = 0.8 });
        var done = await DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "second", Threshold = 0.8 });

        var firstTexts = ByText(first).ToDictionary(g => g.Key, g => Rpv2SignalComputer.IdInt(g.Value[0].Id), StringComparer.Ordinal);
        var expected = second.Where(d => firstTexts.ContainsKey(Rpv2Normalizer.Normalize(d.Text)))
            .ToDictionary(d => d.Id, d => firstTexts[Rpv2Normalizer.Normalize(d.Text)]);
        Assert.True(expected.Count >= again.Count);
        var rows = await CorpusShards.ClustersAsync(host.Store, done.Clusters);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal),
            rows.Where(r => r.EarlierIdInt is not null).Select(r => new KeyValuePair<string, ulong>(r.Id, r.EarlierIdInt!.Value))
                .OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(rows.Where(r => r.EarlierIdInt is not null), r => Assert.Equal(("exact", false), (r.Kind, r.Keep)));
        Assert.Equal(expected.Count, done.EarlierCorpusDuplicates);

        var firstAgain = await DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "first", Threshold = 0.7 });
        Assert.Equal(0, firstAgain.EarlierCorpusDuplicates);
    }

    [Fact]
    public async Task TwoCorporaAtOnce_LoseNoIndexKeys_AndEachSharedTextBelongsToOneOfThem()
    {
        var documents = await DevDocumentsAsync();
        var a = documents.Where((_, i) => i % 2 == 0).ToList();
        var b = documents.Where((_, i) => i % 2 == 1).Concat(a.Take(60).Select(d => d with { Id = "b-" + d.Id })).ToList();
        await using var host = await DedupTestHost.StartAsync(partitions: 2, concurrency: 4);
        await CorpusShards.PutAsync(host.Store, "corpus-a", a, shards: 2);
        await CorpusShards.PutAsync(host.Store, "corpus-b", b, shards: 2);

        var both = await Task.WhenAll(
            DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "corpus-a", Threshold = 0.8 }),
            DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "corpus-b", Threshold = 0.8 }));

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DedupDbContext>();
            Assert.Equal(ByText(a.Concat(b)).Count, await db.IndexPartitions.SumAsync(p => p.Keys));
        }
        var shared = ByText(a).Keys.Intersect(ByText(b).Keys).ToHashSet();
        Assert.NotEmpty(shared);
        var earlierA = (await CorpusShards.ClustersAsync(host.Store, both[0].Clusters)).Where(r => r.EarlierIdInt is not null).Select(r => r.Id).ToHashSet();
        var earlierB = (await CorpusShards.ClustersAsync(host.Store, both[1].Clusters)).Where(r => r.EarlierIdInt is not null).Select(r => r.Id).ToHashSet();
        foreach (var text in shared)
        {
            var inA = a.Where(d => Rpv2Normalizer.Normalize(d.Text) == text).Select(d => earlierA.Contains(d.Id)).Distinct().Single();
            var inB = b.Where(d => Rpv2Normalizer.Normalize(d.Text) == text).Select(d => earlierB.Contains(d.Id)).Distinct().Single();
            Assert.True(inA ^ inB, "a shared text is an earlier copy in exactly one of the two corpora");
        }
    }

    [Fact]
    public async Task ExactByUrl_MakesDocumentsWithOneUrlCopies_AndNeverThoseWithout()
    {
        // Forty different pages: pairs share a URL, and every fifth page has none.
        var documents = (await DevDocumentsAsync()).Where(d => d.Id.EndsWith('0')).Take(40)
            .Select((d, i) => d with { Url = i % 5 == 4 ? null : $"https://example.org/page/{i / 2}" }).ToList();
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await CorpusShards.PutAsync(host.Store, "by-url", documents, shards: 2);

        var done = await DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "by-url", Threshold = 0.8, ExactKey = ExactKeyKind.Url });

        Assert.Equal("rpv2-0.8-url", done.Config);
        var pairs = documents.Where(d => d.Url is not null).GroupBy(d => d.Url).Where(g => g.Count() == 2).ToList();
        Assert.Equal(pairs.Count, done.ExactDuplicates);
        var rows = (await CorpusShards.ClustersAsync(host.Store, done.Clusters)).ToDictionary(r => r.Id);
        Assert.All(pairs, pair => Assert.Equal(rows[pair.First().Id].ClusterId, rows[pair.Last().Id].ClusterId));
        Assert.All(documents.Where(d => d.Url is null), d => Assert.False(rows.TryGetValue(d.Id, out var r) && r.Kind == "exact", d.Id));
    }

    [Theory]
    [InlineData("longest")]
    [InlineData("max:rps_doc_word_count")]
    public async Task AKeepPolicy_KeepsTheBestMemberOfEachCluster(string keep)
    {
        var documents = await DevDocumentsAsync();
        await using var host = await DedupTestHost.StartAsync(partitions: 2);
        await CorpusShards.PutAsync(host.Store, "dedup-dev", documents, shards: 2);

        var done = await DeduplicateAsync(host, new DeduplicateCorpus { Corpus = "dedup-dev", Threshold = 0.7, Keep = KeepPolicy.Parse(keep) });

        var computer = new Rpv2SignalComputer(Rpv2Resources.Empty);
        var wordCount = Rpv2Catalog.DocumentSignals.Single(s => s.Name == "rps_doc_word_count").Index;
        var score = documents.ToDictionary(d => d.Id, d => keep == "longest" ? d.Text.Length : computer.Compute(d).Document[wordCount]);
        var rows = await CorpusShards.ClustersAsync(host.Store, done.Clusters);
        Assert.NotEmpty(rows);
        foreach (var cluster in rows.GroupBy(r => r.ClusterId))
            Assert.Equal(cluster.Max(r => score[r.Id]), score[Assert.Single(cluster, r => r.Keep).Id]);
        Assert.Contains(rows.GroupBy(r => r.ClusterId), c => c.Single(r => r.Keep).Id != c.MinBy(r => r.Id)!.Id);
    }
}
