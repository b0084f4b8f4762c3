using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Dedup;

/// <summary>`refinery dedup`: MinHash LSH near-duplicate clusters (and optionally exact duplicates) of local JSONL
/// files, with no service. One output line per document in a cluster of two or more, in input order:
/// {"id", "cluster_id", "keep"} (plus "kind" with --exact). cluster_id is the smallest id_int of the cluster, as RPv2.</summary>
public static class OfflineDedup
{
    public const int BatchSize = 1024;

    public enum KeepPolicy { First, Longest }

    public sealed record Settings(IReadOnlyList<string> Inputs, string Output, double Threshold, int NGram = 13,
        int Permutations = MinHashPermutations.RpV2Count, int Seed = MinHashPermutations.RpV2Seed, bool Verify = false,
        bool Exact = false, KeepPolicy Keep = KeepPolicy.First, ShingleHash Hash = ShingleHash.Sha1, int Threads = 1);

    public sealed record Summary(long Documents, long Rejected, long WithSignature, int Bands, int Rows, long Clusters,
        long ClusteredDocuments, long Removed, long ExactDuplicates, long ComparedPairs, double Seconds, string Output,
        string? RejectedFile);

    /// <summary>What is kept of each document while the clusters are built.</summary>
    public sealed record Entry(string Id, ulong IdInt, int Length, Fingerprint Fingerprint);

    private static readonly JsonSerializerOptions RejectionJson = new(JsonSerializerDefaults.Web);

    public static async Task<Summary> RunAsync(Settings settings, Action<string> progress, CancellationToken ct)
    {
        if (settings.Threshold is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(settings), "--threshold must be in (0, 1]");
        var watch = Stopwatch.StartNew();
        var output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var rejectedPath = output + ".rejected.jsonl";
        var (entries, rejected) = await ReadAsync(settings, rejectedPath, progress, ct);
        var clustering = Cluster(entries, settings.Threshold, settings.Permutations, settings.Verify, settings.Exact);
        var (clusters, clustered, removed, exactDuplicates) = await WriteAsync(entries, clustering.Components, settings, output, ct);
        return new Summary(entries.Count, rejected, entries.Count(e => e.Fingerprint.Signature is not null), clustering.Bands,
            clustering.Rows, clusters, clustered, removed, exactDuplicates, clustering.ComparedPairs, watch.Elapsed.TotalSeconds,
            output, rejected > 0 ? rejectedPath : null);
    }

    public sealed record Clustering(UnionFind Components, int Bands, int Rows, long ComparedPairs);

    /// <summary>LSH over the documents' signatures with the bands × rows that suit the threshold, linked directly or
    /// after verifying each candidate's true Jaccard; with <paramref name="exact"/> also identical normalised texts.</summary>
    public static Clustering Cluster(IReadOnlyList<Entry> entries, double threshold, int permutations, bool verify, bool exact)
    {
        var (bands, rows) = LshParameters.Optimal(threshold, permutations);
        var components = new UnionFind(entries.Select(e => e.IdInt).ToArray());
        var index = new LshIndex(bands, rows);
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].Fingerprint.Signature is { } signature) index.Add(i, signature);
        long compared = 0;
        if (verify)
            compared = LshClustering.LinkVerified(index, components,
                (a, b) => ShingleSet.Jaccard(entries[a].Fingerprint.Shingles!, entries[b].Fingerprint.Shingles!), threshold);
        else
            LshClustering.Link(index, components);
        if (exact) LinkExact(entries, components);
        return new Clustering(components, bands, rows, compared);
    }

    /// <summary>Reads every input document and fingerprints it on <see cref="Settings.Threads"/> threads; rejected lines
    /// go to <paramref name="rejectedPath"/> (deleted when there are none).</summary>
    public static async Task<(List<Entry> Entries, long Rejected)> ReadAsync(Settings settings, string rejectedPath,
        Action<string> progress, CancellationToken ct)
    {
        var entries = new List<Entry>();
        long rejected = 0;
        var permutations = MinHashPermutations.Create(settings.Permutations, settings.Seed);
        var fingerprinters = new System.Collections.Concurrent.ConcurrentBag<DedupFingerprinter>();
        await using (var rejects = new StreamWriter(rejectedPath, append: false, new UTF8Encoding(false)))
        {
            var batch = new List<SignalDocument>(BatchSize);
            void Flush()
            {
                var computed = new Entry[batch.Count];
                Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, () =>
                        fingerprinters.TryTake(out var f) ? f : new DedupFingerprinter(permutations, settings.NGram, settings.Hash),
                    (i, _, fingerprinter) =>
                    {
                        var document = batch[i];
                        computed[i] = new Entry(document.Id, Rpv2SignalComputer.IdInt(document.Id), document.Text.Length,
                            fingerprinter.Compute(document.Text, settings.Verify));
                        return fingerprinter;
                    },
                    fingerprinters.Add);
                entries.AddRange(computed);
                batch.Clear();
                progress($"{entries.Count:N0} documents");
            }
            foreach (var input in settings.Inputs)
            {
                await foreach (var item in SignalInputReader.ReadAsync(input, "en", ct))
                {
                    if (item.Rejection is { } rejection)
                    {
                        rejected++;
                        await rejects.WriteLineAsync(JsonSerializer.Serialize(rejection, RejectionJson));
                        continue;
                    }
                    batch.Add(item.Document!);
                    if (batch.Count == BatchSize) Flush();
                }
            }
            Flush();
        }
        if (rejected == 0) File.Delete(rejectedPath);
        return (entries, rejected);
    }

    /// <summary>Keep-first exact duplicates: every document whose normalised text equals an earlier one's joins it.</summary>
    private static void LinkExact(IReadOnlyList<Entry> entries, UnionFind components)
    {
        var first = new Dictionary<UInt128, int>();
        for (var i = 0; i < entries.Count; i++)
            if (!first.TryAdd(entries[i].Fingerprint.NormalizedKey, i)) components.Union(first[entries[i].Fingerprint.NormalizedKey], i);
    }

    private static async Task<(long Clusters, long Clustered, long Removed, long ExactDuplicates)> WriteAsync(List<Entry> entries,
        UnionFind components, Settings settings, string output, CancellationToken ct)
    {
        // The member each cluster keeps: the first in input order, or the longest text (ties to the first).
        var kept = new Dictionary<int, int>();
        var sameText = new Dictionary<(int Root, UInt128 Key), int>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (components.SizeOf(i) < 2) continue;
            var root = components.Find(i);
            if (!kept.TryGetValue(root, out var current) ||
                (settings.Keep == KeepPolicy.Longest && entries[i].Length > entries[current].Length))
                kept[root] = i;
            var key = (root, entries[i].Fingerprint.NormalizedKey);
            sameText[key] = sameText.GetValueOrDefault(key) + 1;
        }
        long clustered = 0, exactDuplicates = 0;
        var partial = output + ".partial";
        await using (var writer = new StreamWriter(partial, append: false, new UTF8Encoding(false)))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                if (components.SizeOf(i) < 2) continue;
                var root = components.Find(i);
                clustered++;
                var line = new Dictionary<string, object>
                {
                    ["id"] = entries[i].Id,
                    ["cluster_id"] = components.MinKeyOf(i),
                    ["keep"] = kept[root] == i,
                };
                if (settings.Exact)
                {
                    var exact = sameText[(root, entries[i].Fingerprint.NormalizedKey)] > 1;
                    if (exact && kept[root] != i) exactDuplicates++;
                    line["kind"] = exact ? "exact" : "near";
                }
                await writer.WriteLineAsync(JsonSerializer.Serialize(line));
            }
        }
        File.Move(partial, output, overwrite: true);
        return (kept.Count, clustered, clustered - kept.Count, exactDuplicates);
    }
}
