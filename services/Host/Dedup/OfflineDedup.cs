using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Options;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Dedup;

/// <summary>`refinery dedup`: MinHash LSH near-duplicate clusters (and optionally exact duplicates) of local JSONL
/// files, with no service. One output line per document in a cluster of two or more, in input order:
/// {"id", "cluster_id", "keep"} (plus "kind" with --exact). cluster_id is the smallest id_int of the cluster, as RPv2.
/// Memory stays small for any input: signatures are turned into band records as they are computed and spilled to
/// partition files, which are then linked one at a time; per document only its id and a few numbers stay in memory.</summary>
public static class OfflineDedup
{
    /// <summary>Band-record partitions on disk; a bucket lies whole in one, so each is linked on its own.</summary>
    public const int SpillPartitions = 128;

    public sealed record Settings(IReadOnlyList<string> Inputs, string Output, double Threshold, int NGram = 13,
        int Permutations = MinHashPermutations.RpV2Count, int Seed = MinHashPermutations.RpV2Seed, bool Verify = false,
        bool Exact = false, KeepRule? Keep = null, ShingleHash Hash = ShingleHash.Sha1, int Threads = 1,
        string? WorkDir = null, ExactMode ExactBy = ExactMode.Set, double FalsePositiveRate = 0.001, string? Index = null,
        IReadOnlyList<string>? SignalFiles = null, bool FromMinHash = false,
        ExactKeyKind KeyKind = ExactKeyKind.Normalized, int? Bands = null, int? Rows = null);

    public sealed record Summary(long Documents, long Rejected, long WithSignature, int Bands, int Rows, long Clusters,
        long ClusteredDocuments, long Removed, long ExactDuplicates, long ComparedPairs, double Seconds, string Output,
        string? RejectedFile, long SeenInEarlierCorpora = 0, long AddedToIndex = 0);

    /// <summary>What is kept of each document while the clusters are built; the signature only when asked for. The exact
    /// key is that of <see cref="Settings.KeyKind"/> (<see cref="ExactKeys.None"/> for a document without a URL).</summary>
    public sealed record Entry(string Id, ulong IdInt, int Length, UInt128 ExactKey, bool HasSignature, ShingleSet? Shingles,
        uint[]? Signature = null);

    private static readonly JsonSerializerOptions RejectionJson = new(JsonSerializerDefaults.Web);

    public static async Task<Summary> RunAsync(Settings settings, Action<string> progress, CancellationToken ct)
    {
        if (settings.Threshold is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(settings), "--threshold must be in (0, 1]");
        var watch = Stopwatch.StartNew();
        var output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var rejectedPath = output + ".rejected.jsonl";
        // Explicit bands × rows override the layout datasketch's optimal_param picks for the threshold.
        var (bands, rows) = settings is { Bands: { } b, Rows: { } r } ? (b, r) : LshParameters.Optimal(settings.Threshold, settings.Permutations);

        using var spill = new SpilledBandPartitions(settings.WorkDir ?? Path.GetTempPath(), SpillPartitions);
        var records = new BandRecord[bands];
        var (entries, rejected) = settings.FromMinHash
            ? (await ReadMinHashAsync(settings, spill, progress, ct), 0L)
            : await ReadAsync(settings, rejectedPath, progress, ct, (document, signature) =>
            {
                BandRecord.Create(document, signature, bands, rows, records);
                spill.Add(records);
            });
        progress($"{entries.Count:N0} documents, linking {spill.Records:N0} band records");
        var components = new UnionFind(entries.Select(e => e.IdInt).ToArray());
        Func<int, int, double>? similarity = settings.Verify ? (a, b) => ShingleSet.Jaccard(entries[a].Shingles!, entries[b].Shingles!) : null;
        long compared = 0;
        spill.ForEachPartition(partition => compared += LshClustering.Link(partition.Span, components, similarity, settings.Threshold));
        var copies = new bool[entries.Count];
        if (settings.Exact && settings.ExactBy == ExactMode.Set) LinkExact(entries, components);
        if (settings.Exact && settings.ExactBy == ExactMode.Bloom) MarkBloomCopies(entries, settings.FalsePositiveRate, copies);
        // Keys of different kinds never meet: the normalised-text index is the folder itself, the others sub-folders.
        var index = settings.Index is null ? null
            : new ExactIndex(settings.KeyKind == ExactKeyKind.Normalized ? settings.Index : Path.Combine(settings.Index, OptionValues<ExactKeyKind>.NameOf(settings.KeyKind)));
        var source = SourceTag(entries);
        var earlier = index?.Lookup(entries.Select(e => e.ExactKey).ToList(), source) ?? new ulong?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].ExactKey == ExactKeys.None) earlier[i] = null;

        var keep = settings.Keep ?? KeepRule.First;
        var signal = keep.ReadsSignal ? await SignalValues.ReadAsync(settings.SignalFiles ?? [], keep.Policy.Signal!, ct) : null;
        var counts = await WriteAsync(entries, components, copies, earlier, keep, signal, settings, output, ct);
        // Only after the output is written: a run killed before this point leaves the index as it was.
        var added = index?.Add(entries.Where(e => e.ExactKey != ExactKeys.None).Select(e => (e.ExactKey, e.IdInt)).ToList(), source) ?? 0;
        return new Summary(entries.Count, rejected, entries.Count(e => e.HasSignature), bands, rows, counts.Clusters, counts.Clustered,
            counts.Removed, counts.ExactDuplicates, compared, watch.Elapsed.TotalSeconds, output, rejected > 0 ? rejectedPath : null,
            counts.EarlierCorpusDuplicates, added);
    }

    /// <summary>Stored signatures instead of texts: the <c>signature_sim{t}</c> band column of Parquet files in RPv2's
    /// minhash layout (RedPajama-V2's published files, or Refinery's signal shards) goes straight into band records.</summary>
    private static async Task<List<Entry>> ReadMinHashAsync(Settings settings, SpilledBandPartitions spill, Action<string> progress,
        CancellationToken ct)
    {
        var layout = MinHashBands.RpV2For(settings.Threshold)
                     ?? throw new ArgumentException($"stored signatures have bands for thresholds {string.Join(", ", MinHashBands.RpV2.Select(l => l.Threshold))} only");
        var entries = new List<Entry>();
        var records = new BandRecord[layout.Bands];
        foreach (var input in settings.Inputs)
        {
            await using var file = File.OpenRead(input);
            try
            {
                await foreach (var row in MinHashParquetReader.ReadAsync(file, layout.ColumnName, ct))
                {
                    if (row.Bands is { } bands)
                    {
                        if (bands.Length != layout.Bands || bands.Any(b => b.Length != 4 * layout.Rows))
                            throw new InvalidDataException($"document {row.Id}: {layout.ColumnName} holds {bands.Length} bands, expected {layout.Bands} of {4 * layout.Rows} bytes");
                        for (var b = 0; b < bands.Length; b++) records[b] = BandRecord.FromBandBytes(entries.Count, b, bands[b].Span);
                        spill.Add(records);
                    }
                    entries.Add(new Entry(row.Id, row.IdInt, 0, UInt128.Zero, row.Bands is not null, null));
                }
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"{input}: {ex.Message}", ex);
            }
            progress($"{entries.Count:N0} documents");
        }
        return entries;
    }

    /// <summary>What identifies this input in the exact index: a hash of every document's id_int and text key, in
    /// order. A rerun of the same input has the same tag, so it does not find its own keys as earlier copies.</summary>
    private static ulong SourceTag(List<Entry> entries)
    {
        var hash = new System.IO.Hashing.XxHash64();
        Span<byte> bytes = stackalloc byte[24];
        foreach (var e in entries)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, e.IdInt);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bytes[8..], e.ExactKey);
            hash.Append(bytes);
        }
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Bloom mode: a filter sized for this input marks every document whose key it (probably) saw before.</summary>
    private static void MarkBloomCopies(List<Entry> entries, double falsePositiveRate, bool[] copies)
    {
        var bloom = new BloomFilter(Math.Max(1, entries.Count), falsePositiveRate);
        for (var i = 0; i < entries.Count; i++) copies[i] = entries[i].ExactKey != ExactKeys.None && bloom.Add(entries[i].ExactKey);
    }

    public sealed record Clustering(UnionFind Components, int Bands, int Rows, long ComparedPairs);

    /// <summary>In memory, for entries read with their signatures (the benchmarks cluster one corpus at every
    /// threshold): LSH with the bands × rows that suit the threshold, linked directly or after verifying each candidate.</summary>
    public static Clustering Cluster(IReadOnlyList<Entry> entries, double threshold, int permutations, bool verify, bool exact)
    {
        var (bands, rows) = LshParameters.Optimal(threshold, permutations);
        var records = new List<BandRecord>();
        var scratch = new BandRecord[bands];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Signature is not { } signature) continue;
            BandRecord.Create(i, signature, bands, rows, scratch);
            records.AddRange(scratch);
        }
        var components = new UnionFind(entries.Select(e => e.IdInt).ToArray());
        Func<int, int, double>? similarity = verify ? (a, b) => ShingleSet.Jaccard(entries[a].Shingles!, entries[b].Shingles!) : null;
        var compared = LshClustering.Link(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(records), components, similarity, threshold);
        if (exact) LinkExact(entries, components);
        return new Clustering(components, bands, rows, compared);
    }

    /// <summary>Receives a document's signature; the span is valid only during the call.</summary>
    public delegate void SignatureSink(int document, ReadOnlySpan<uint> signature);

    /// <summary>Reads every input document and fingerprints it on <see cref="Settings.Threads"/> threads, handing each
    /// signature to <paramref name="onSignature"/> in input order (or keeping it in the entry when that is null).
    /// Rejected lines go to <paramref name="rejectedPath"/> (deleted when there are none).</summary>
    public static async Task<(List<Entry> Entries, long Rejected)> ReadAsync(Settings settings, string rejectedPath,
        Action<string> progress, CancellationToken ct, SignatureSink? onSignature = null)
    {
        var entries = new List<Entry>();
        long rejected = 0;
        var permutations = MinHashPermutations.Create(settings.Permutations, settings.Seed);
        void Collect(FingerprintBatch batch)
        {
            for (var i = 0; i < batch.Documents.Count; i++)
            {
                var document = batch.Documents[i];
                var signature = batch.SignatureOf(i);
                if (batch.HasSignature[i]) onSignature?.Invoke(entries.Count, signature);
                entries.Add(new Entry(document.Id, Rpv2SignalComputer.IdInt(document.Id), document.Text.Length, batch.ExactKeys[i],
                    batch.HasSignature[i], batch.Shingles[i], onSignature is null && batch.HasSignature[i] ? signature.ToArray() : null));
            }
            progress($"{entries.Count:N0} documents");
        }
        using var hashing = new FingerprintPipeline(settings.Threads,
            () => new DedupFingerprinter(permutations, settings.NGram, settings.Hash), settings.Permutations, settings.Verify, settings.KeyKind, Collect);
        await using (var rejects = new StreamWriter(rejectedPath, append: false, new UTF8Encoding(false)))
        {
            var batch = hashing.Rent();
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
                    batch.Documents.Add(item.Document!);
                    if (batch.Documents.Count < batch.Capacity) continue;
                    hashing.Post(batch);
                    batch = hashing.Rent();
                }
            }
            hashing.Post(batch);
            hashing.Complete();
        }
        if (rejected == 0) File.Delete(rejectedPath);
        return (entries, rejected);
    }

    /// <summary>Keep-first exact duplicates: every document whose normalised text equals an earlier one's joins it.</summary>
    private static void LinkExact(IReadOnlyList<Entry> entries, UnionFind components)
    {
        var first = new Dictionary<UInt128, int>();
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].ExactKey != ExactKeys.None && !first.TryAdd(entries[i].ExactKey, i)) components.Union(first[entries[i].ExactKey], i);
    }

    private static async Task<ClusterCounts> WriteAsync(List<Entry> entries,
        UnionFind components, bool[] copies, ulong?[] earlier, KeepRule keepRule, Dictionary<string, double>? signal, Settings settings, string output,
        CancellationToken ct)
    {
        var kept = keepRule.Choose(components, i => copies[i] || earlier[i] is not null,
            keepRule.ReadsLengths ? entries.Select(e => e.Length).ToArray() : null,
            signal is null ? null : entries.Select(e => signal.TryGetValue(e.Id, out var v) ? v : double.NaN).ToArray());
        var (labels, counts) = ClusterLabels.Of(components, settings.Exact ? i => entries[i].ExactKey : null, copies, earlier, kept);
        var partial = output + ".partial";
        await using (var writer = new StreamWriter(partial, append: false, new UTF8Encoding(false)))
        {
            foreach (var label in labels)
            {
                ct.ThrowIfCancellationRequested();
                var line = new Dictionary<string, object>
                {
                    ["id"] = entries[label.Document].Id,
                    ["cluster_id"] = label.ClusterId,
                    ["keep"] = label.Keep,
                };
                if (settings.Exact || label.EarlierIdInt is not null) line["kind"] = label.Exact ? "exact" : "near";
                if (label.EarlierIdInt is { } first) line["earlier_id_int"] = first;
                await writer.WriteLineAsync(JsonSerializer.Serialize(line));
            }
        }
        File.Move(partial, output, overwrite: true);
        return counts;
    }
}
