using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Text.Tests.Dedup;

public sealed class LshTests
{
    [Theory]
    [InlineData(1.0, 1, 128)]
    [InlineData(0.9, 5, 25)]
    [InlineData(0.8, 9, 13)]
    [InlineData(0.7, 14, 9)]
    public void OptimalBandsAndRows_For128Permutations_AreRpv2s(double threshold, int bands, int rows)
    {
        Assert.Equal((bands, rows), LshParameters.Search(threshold, 128)); // the search itself, not the table it spares
        Assert.Equal((bands, rows), LshParameters.Optimal(threshold, 128));
        Assert.Contains(MinHashBands.RpV2, l => l.Threshold == threshold && l.Bands == bands && l.Rows == rows);
    }

    [Theory]
    [InlineData(14, 9, 0.6, 0.132)]
    [InlineData(9, 13, 0.8, 0.399)]
    [InlineData(5, 25, 0.95, 0.803)]
    [InlineData(1, 128, 0.99, 0.276)]
    public void CandidateProbability_MatchesTheSpecTable(int bands, int rows, double similarity, double expected) =>
        Assert.Equal(expected, LshParameters.Candidate(similarity, bands, rows), 3);

    [Fact]
    public void UnionFind_TracksComponents_AndTheirSmallestKey()
    {
        var components = new UnionFind([50UL, 7UL, 30UL, 9UL, 100UL]);

        Assert.True(components.Union(0, 2));
        Assert.True(components.Union(2, 3));
        Assert.False(components.Union(0, 3));

        Assert.Equal((3, 9UL), (components.SizeOf(0), components.MinKeyOf(2)));
        Assert.Equal((1, 7UL), (components.SizeOf(1), components.MinKeyOf(1)));
        Assert.False(components.Connected(4, 0));
    }

    /// <summary>Link's components equal RPv2's procedure written plainly: group by (band index, band values), an edge
    /// from every member to the group's smallest key, connected components by graph search.</summary>
    [Fact]
    public void Linking_GivesTheComponentsOfRpv2sEdges_OnRandomSignatures()
    {
        var random = new Random(9);
        for (var round = 0; round < 200; round++)
        {
            const int bands = 4, rows = 3;
            var documents = random.Next(2, 60);
            // Few distinct values, so that bands collide often.
            var signatures = Enumerable.Range(0, documents).Select(_ => Enumerable.Range(0, bands * rows).Select(_ => (uint)random.Next(3)).ToArray()).ToArray();
            var keys = Enumerable.Range(0, documents).Select(_ => (ulong)random.NextInt64()).ToArray();

            var records = Records(signatures, bands, rows);
            var components = new UnionFind(keys);
            LshClustering.Link(records, components);

            // The same records spilled to partition files and linked one partition at a time.
            using var spill = new SpilledBandPartitions(Path.GetTempPath(), 7);
            spill.Add(Records(signatures, bands, rows));
            var partitioned = new UnionFind(keys);
            spill.ForEachPartition(partition => LshClustering.Link(partition.Span, partitioned));

            var expected = ReferenceClusters(signatures, keys, bands, rows);
            for (var d = 0; d < documents; d++) Assert.Equal((expected[d], expected[d]), (components.MinKeyOf(d), partitioned.MinKeyOf(d)));
        }
    }

    [Fact]
    public void VerifiedLinking_JoinsOnlyPairsAtTheThreshold()
    {
        uint[] same = [1, 2];
        var records = Records([same, same, same], 1, 2); // one bucket: 0, 1, 2
        var components = new UnionFind([10UL, 20UL, 30UL]);
        double[,] jaccard = { { 1, 0.9, 0.2 }, { 0.9, 1, 0.3 }, { 0.2, 0.3, 1 } };

        LshClustering.Link(records, components, (a, b) => jaccard[a, b], 0.8);

        Assert.True(components.Connected(0, 1));
        Assert.False(components.Connected(0, 2));
        Assert.Equal(1, components.SizeOf(2));
    }

    [Fact]
    public void ShingleJaccard_EqualsTheSetFormula()
    {
        var random = new Random(4);
        var vocabulary = new[] { "a", "b", "c", "d", "e" };
        for (var round = 0; round < 500; round++)
        {
            var x = Enumerable.Range(0, random.Next(3, 40)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            var y = Enumerable.Range(0, random.Next(3, 40)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            var expected = (double)Shingles(x).Intersect(Shingles(y)).Count() / Shingles(x).Union(Shingles(y)).Count();

            Assert.Equal(expected, ShingleSet.Jaccard(Set(x), Set(y)), 12);
        }

        static HashSet<string> Shingles(string[] words) =>
            Enumerable.Range(0, words.Length - 2).Select(i => string.Join(' ', words, i, 3)).ToHashSet();

        static ShingleSet Set(string[] words)
        {
            var text = System.Text.Encoding.UTF8.GetBytes(string.Join(' ', words));
            var starts = new List<int>();
            var ends = new List<int>();
            for (int i = 0, at = 0; i < words.Length; i++)
            {
                starts.Add(at);
                ends.Add(at + words[i].Length);
                at += words[i].Length + 1;
            }
            return ShingleSet.Create(text, starts.ToArray(), ends.ToArray(), 3);
        }
    }

    [Fact]
    public void BandRecords_FromSignatures_EqualThoseFromRpv2sBandBytes()
    {
        var signature = Enumerable.Range(0, 128).Select(i => (uint)(i * 2654435761u)).ToArray();
        var layout = MinHashBands.RpV2[2]; // 9 × 13
        var fromSignature = new BandRecord[layout.Bands];
        BandRecord.Create(7, signature, layout.Bands, layout.Rows, fromSignature);

        var fromBytes = MinHashBands.Bands(signature, layout).Select((bytes, b) => BandRecord.FromBandBytes(7, b, bytes));

        Assert.Equal(fromSignature, fromBytes);
    }

    [Fact]
    public void BandRecords_Are24BytesOnDisk() =>
        Assert.Equal(BandRecord.Size, System.Runtime.CompilerServices.Unsafe.SizeOf<BandRecord>());

    private static BandRecord[] Records(uint[][] signatures, int bands, int rows)
    {
        var records = new BandRecord[signatures.Length * bands];
        for (var d = 0; d < signatures.Length; d++) BandRecord.Create(d, signatures[d], bands, rows, records.AsSpan(d * bands, bands));
        return records;
    }

    private static ulong[] ReferenceClusters(uint[][] signatures, ulong[] keys, int bands, int rows)
    {
        var edges = new List<(int, int)>();
        for (var b = 0; b < bands; b++)
        {
            foreach (var group in Enumerable.Range(0, signatures.Length).GroupBy(d => string.Join(",", signatures[d].Skip(b * rows).Take(rows))))
            {
                var members = group.ToList();
                if (members.Count < 2) continue;
                var smallest = members.MinBy(m => keys[m]);
                edges.AddRange(members.Where(m => m != smallest).Select(m => (m, smallest)));
            }
        }
        var neighbours = Enumerable.Range(0, signatures.Length).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in edges) { neighbours[a].Add(b); neighbours[b].Add(a); }
        var cluster = new ulong[signatures.Length];
        for (var d = 0; d < signatures.Length; d++)
        {
            var seen = new HashSet<int> { d };
            var queue = new Queue<int>([d]);
            while (queue.TryDequeue(out var n))
                foreach (var m in neighbours[n]) if (seen.Add(m)) queue.Enqueue(m);
            cluster[d] = seen.Min(m => keys[m]);
        }
        return cluster;
    }
}
