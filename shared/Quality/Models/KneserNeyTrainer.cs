using System.Runtime.InteropServices;

namespace Refinery.Quality.Models;

/// <summary>Settings of the Kneser-Ney language model.</summary>
/// <param name="Order">n-gram order, 2–5. Default 4: CCNet's KenLM models are 5-grams over SentencePiece pieces;
/// a word carries about 1.3 pieces of English, so 4 words span about the same context, and the reference sets a
/// user can bring offline (a few MB) give too few 5-gram repeats for the fifth order to help.</param>
/// <param name="MinCount">Training words seen fewer times become the &lt;unk&gt; class, so &lt;unk&gt; gets real
/// n-gram statistics (it behaves like a rare word in context) instead of only the uniform floor.</param>
public sealed record KneserNeyOptions(int Order = 4, int MinCount = 2);

/// <summary>Counts n-grams and estimates interpolated modified Kneser-Ney probabilities (Chen &amp; Goodman 1998,
/// the estimator KenLM's lmplz implements): highest order on raw counts, lower orders on continuation counts,
/// three discounts per order from the count-of-counts.</summary>
internal static class KneserNeyTrainer
{
    public static KneserNeyModel Train(IEnumerable<string> documents, KneserNeyOptions options, ModelHeader header)
    {
        if (options.Order is < 2 or > NGramKey.MaxOrder)
            throw new ArgumentOutOfRangeException(nameof(options), $"order must be 2–{NGramKey.MaxOrder}");
        var lines = Tokenise(documents);
        var vocabulary = BuildVocabulary(lines, options.MinCount);
        var ids = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Length; i++) ids[vocabulary[i]] = i;

        var n = options.Order;
        var counts = CountRaw(lines, ids, n);
        AdjustLowerOrders(counts, n);

        var discounted = new Dictionary<UInt128, float>[n + 1];
        var backoff = new Dictionary<UInt128, float>[n];
        discounted[0] = backoff[0] = [];
        var unigramBackoff = 0.0;
        for (var k = 1; k <= n; k++)
        {
            var d = Discounts(counts[k]);
            var histories = HistoryStatistics(counts[k]);
            discounted[k] = new Dictionary<UInt128, float>(counts[k].Count);
            foreach (var (key, count) in counts[k])
            {
                var total = histories[NGramKey.Context(key)].Total;
                discounted[k][key] = (float)((count - d[Math.Min(count, 3)]) / total);
            }
            var gammas = new Dictionary<UInt128, float>(histories.Count);
            foreach (var (history, s) in histories)
                gammas[history] = (float)((d[1] * s.Ones + d[2] * s.Twos + d[3] * s.ThreePlus) / s.Total);
            if (k == 1) unigramBackoff = gammas[0];
            else backoff[k - 1] = gammas;
        }
        return new KneserNeyModel(header, n, vocabulary, unigramBackoff, discounted, backoff, double.NaN, double.NaN);
    }

    // Empty lines are left out of training: the reference text has no layout, and p(</s> | <s>) learned from
    // blank lines would make blank-heavy web pages look fluent. Scoring still scores them, as CCNet does.
    private static List<string[]> Tokenise(IEnumerable<string> documents)
    {
        var lines = new List<string[]>();
        foreach (var document in documents)
        foreach (var line in document.Split('\n'))
        {
            var tokens = ModelTokenizer.NormalisedWords(line);
            if (tokens.Count > 0) lines.Add([.. tokens]);
        }
        return lines;
    }

    // Ids: <unk>, <s>, </s>, then kept words in ordinal order, so ids do not depend on input order.
    private static string[] BuildVocabulary(List<string[]> lines, int minCount)
    {
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        foreach (var token in line)
            CollectionsMarshal.GetValueRefOrAddDefault(frequency, token, out _)++;
        var kept = frequency.Where(p => p.Value >= minCount && p.Key is not (KneserNeyModel.Unknown or KneserNeyModel.Begin or KneserNeyModel.End))
            .Select(p => p.Key).ToList();
        kept.Sort(StringComparer.Ordinal);
        if (kept.Count + 3 > NGramKey.MaxVocabulary) throw new InvalidOperationException("vocabulary exceeds 2^24 words");
        return [KneserNeyModel.Unknown, KneserNeyModel.Begin, KneserNeyModel.End, .. kept];
    }

    private static Dictionary<UInt128, long>[] CountRaw(List<string[]> lines, Dictionary<string, int> ids, int n)
    {
        var counts = new Dictionary<UInt128, long>[n + 1];
        for (var k = 0; k <= n; k++) counts[k] = [];
        var sequence = new List<int>();
        foreach (var line in lines)
        {
            sequence.Clear();
            sequence.Add(KneserNeyModel.BeginId);
            foreach (var token in line) sequence.Add(ids.GetValueOrDefault(token, KneserNeyModel.UnknownId));
            sequence.Add(KneserNeyModel.EndId);
            // Every n-gram ending at a predicted position i (never the unigram <s>).
            for (var i = 1; i < sequence.Count; i++)
            {
                UInt128 key = (uint)sequence[i];
                CollectionsMarshal.GetValueRefOrAddDefault(counts[1], key, out _)++;
                for (var k = 2; k <= n && i - k + 1 >= 0; k++)
                {
                    key |= (UInt128)(uint)sequence[i - k + 1] << (NGramKey.Bits * (k - 1));
                    CollectionsMarshal.GetValueRefOrAddDefault(counts[k], key, out _)++;
                }
            }
        }
        return counts;
    }

    // Below the top order, an n-gram's count becomes the number of distinct words seen before it (its
    // continuation count), except n-grams starting with <s>, which nothing precedes: they keep raw counts.
    private static void AdjustLowerOrders(Dictionary<UInt128, long>[] counts, int n)
    {
        for (var k = n - 1; k >= 1; k--)
        {
            var continuation = new Dictionary<UInt128, long>(counts[k].Count);
            foreach (var key in counts[k + 1].Keys)
                CollectionsMarshal.GetValueRefOrAddDefault(continuation, NGramKey.Suffix(key, k + 1), out _)++;
            foreach (var (key, raw) in counts[k])
                if (k > 1 && NGramKey.First(key, k) == KneserNeyModel.BeginId) continuation[key] = raw;
            counts[k] = continuation;
        }
    }

    /// <summary>D(0)=0, D(1), D(2), D(3+) from the count-of-counts n1..n4 (Chen &amp; Goodman eq. 26).
    /// Falls back to 0.5/1.0/1.5 when the counts are too sparse for the estimate (tiny corpora).</summary>
    internal static double[] Discounts(Dictionary<UInt128, long> counts)
    {
        var n = new long[5];
        foreach (var c in counts.Values)
            if (c <= 4) n[c]++;
        double[] fallback = [0, 0.5, 1.0, 1.5];
        if (n[1] == 0 || n[2] == 0 || n[3] == 0 || n[4] == 0) return fallback;
        var y = n[1] / (double)(n[1] + 2 * n[2]);
        double[] d = [0, 1 - 2 * y * n[2] / n[1], 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3]];
        for (var i = 1; i <= 3; i++)
            if (!(d[i] > 0 && d[i] < i)) return fallback;
        return d;
    }

    internal readonly record struct HistoryStats(long Total, long Ones, long Twos, long ThreePlus);

    private static Dictionary<UInt128, HistoryStats> HistoryStatistics(Dictionary<UInt128, long> counts)
    {
        var histories = new Dictionary<UInt128, HistoryStats>();
        foreach (var (key, count) in counts)
        {
            ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(histories, NGramKey.Context(key), out _);
            s = new HistoryStats(s.Total + count, s.Ones + (count == 1 ? 1 : 0), s.Twos + (count == 2 ? 1 : 0),
                s.ThreePlus + (count >= 3 ? 1 : 0));
        }
        return histories;
    }
}
