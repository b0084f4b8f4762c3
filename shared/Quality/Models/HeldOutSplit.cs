namespace Refinery.Quality.Models;

/// <summary>A seeded train / held-out split and the small statistics the build reports use.</summary>
internal static class HeldOutSplit
{
    /// <summary>Shuffles with <paramref name="seed"/> and holds out ⌊fraction·n⌋ documents (none when n &lt; 2).</summary>
    public static (List<string> Train, List<string> HeldOut) Split(IReadOnlyList<string> documents, double fraction, ulong seed)
    {
        var shuffled = documents.ToList();
        new SplitMix64(seed).Shuffle(shuffled);
        var heldOut = documents.Count < 2 ? 0 : Math.Max(1, (int)(fraction * documents.Count));
        if (fraction <= 0) heldOut = 0;
        return (shuffled[heldOut..], shuffled[..heldOut]);
    }

    /// <summary>numpy's default percentile (linear interpolation between order statistics).</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var position = percent / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    /// <summary>P(a random <paramref name="higher"/> value exceeds a random <paramref name="lower"/> one), ties half.</summary>
    public static double RankingAuc(IReadOnlyList<double> higher, IReadOnlyList<double> lower)
    {
        if (higher.Count == 0 || lower.Count == 0) return double.NaN;
        var sortedLower = lower.Order().ToArray();
        double wins = 0;
        foreach (var h in higher)
        {
            var below = LowerBound(sortedLower, h);
            var atOrBelow = UpperBound(sortedLower, h);
            wins += below + 0.5 * (atOrBelow - below);
        }
        return wins / ((double)higher.Count * lower.Count);
    }

    private static int LowerBound(double[] a, double x)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (a[mid] < x) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static int UpperBound(double[] a, double x)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi) { var mid = (lo + hi) / 2; if (a[mid] <= x) lo = mid + 1; else hi = mid; }
        return lo;
    }

    /// <summary>Adds a metric only when it is a number (JSON has no NaN).</summary>
    public static void Add(SortedDictionary<string, double> metrics, string name, double value)
    {
        if (double.IsFinite(value)) metrics[name] = value;
    }
}
