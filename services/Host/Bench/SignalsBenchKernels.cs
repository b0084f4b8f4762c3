using System.Diagnostics;
using Refinery.Quality.Formats;
using Refinery.Text.Hashing;
using Refinery.Text.MinHash;

namespace Refinery.Host.Bench;

/// <summary>The two hand-vectorised hot paths of the signals against their scalar references, for `bench signals`.</summary>
internal static class SignalsBenchKernels
{
    public sealed record KernelResult(string Name, long Items, double FastNanoseconds, double ScalarNanoseconds)
    {
        public double Speedup => ScalarNanoseconds / FastNanoseconds;
    }

    /// <summary>SHA-1 of shingles (multi-buffer against one at a time) and the permuted-hash minimum (AVX2 against
    /// scalar), on the 13-gram shingles of the corpus's first documents. Each timed three times; the median counts.</summary>
    public static async Task<KernelResult[]> RunAsync(string input, CancellationToken ct)
    {
        var utf8 = new List<byte>();
        var starts = new List<int>();
        var ends = new List<int>();
        var normalizer = new Refinery.Text.Rpv2Normalizer();
        await foreach (var item in SignalInputReader.ReadAsync(input, "en", ct))
        {
            if (item.Document is not { } document) continue;
            var words = normalizer.Run(document.Text).ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 13 <= words.Length; i++)
            {
                var shingle = System.Text.Encoding.UTF8.GetBytes(string.Join(' ', words, i, 13));
                starts.Add(utf8.Count);
                utf8.AddRange(shingle);
                ends.Add(utf8.Count);
            }
            if (starts.Count >= 200_000) break;
        }
        var data = utf8.ToArray();
        var hashes = new uint[starts.Count];
        var s = starts.ToArray();
        var e = ends.ToArray();
        var sha = new KernelResult("sha1 of 13-gram shingles", s.Length,
            Median(() => Sha1Multi.Hash32(data, s, e, hashes)) / s.Length,
            Median(() => { for (var i = 0; i < s.Length; i++) hashes[i] = Sha1.Hash32(data.AsSpan(s[i], e[i] - s[i])); }) / s.Length);

        var hasher = new MinHasher(MinHashPermutations.RpV2, 13);
        var signature = new uint[hasher.Count];
        var minimum = new KernelResult("128 permuted minima per shingle", hashes.Length,
            Median(() => hasher.Signature(hashes, signature)) / hashes.Length,
            Median(() => hasher.SignatureScalar(hashes, signature)) / hashes.Length);
        return [sha, minimum];

        static double Median(Action run)
        {
            var times = new double[3];
            for (var i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                run();
                times[i] = clock.Elapsed.TotalNanoseconds;
            }
            Array.Sort(times);
            return times[1];
        }
    }
}
