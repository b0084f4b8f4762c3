using Refinery.Text.MinHash;

namespace Refinery.Text.Dedup;

/// <summary>datasketch's optimal_param: the bands × rows (b·r ≤ permutations) that minimise the equally weighted
/// false-positive and false-negative areas of the S-curve 1−(1−s^r)^b around a Jaccard threshold. It searches b, then
/// r, ascending and keeps the first strict minimum, as datasketch does. For 128 permutations this gives RPv2's
/// 1×128, 5×25, 9×13 and 14×9 at 1.0, 0.9, 0.8 and 0.7.</summary>
public static class LshParameters
{
    public static (int Bands, int Rows) Optimal(double threshold, int permutations,
        double falsePositiveWeight = 0.5, double falseNegativeWeight = 0.5)
    {
        // RPv2's own layouts are what the search gives for them (a test holds the two equal); the search costs about
        // a million powers, a tenth of a second of a one-shot `refinery dedup` on 60 MB.
        if (permutations == MinHashPermutations.RpV2Count && falsePositiveWeight == 0.5 && falseNegativeWeight == 0.5
            && MinHashBands.RpV2For(threshold) is { } known)
            return (known.Bands, known.Rows);
        return Search(threshold, permutations, falsePositiveWeight, falseNegativeWeight);
    }

    /// <summary>The search behind <see cref="Optimal"/>, for every layout.</summary>
    public static (int Bands, int Rows) Search(double threshold, int permutations,
        double falsePositiveWeight = 0.5, double falseNegativeWeight = 0.5)
    {
        if (threshold is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "a Jaccard threshold is in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var best = double.PositiveInfinity;
        (int, int) optimum = (0, 0);
        for (var b = 1; b <= permutations; b++)
        {
            for (var r = 1; r <= permutations / b; r++)
            {
                var falsePositive = Integrate(s => Candidate(s, b, r), 0.0, threshold);
                var falseNegative = Integrate(s => 1.0 - Candidate(s, b, r), threshold, 1.0);
                var error = falsePositive * falsePositiveWeight + falseNegative * falseNegativeWeight;
                if (error < best)
                {
                    best = error;
                    optimum = (b, r);
                }
            }
        }
        return optimum;
    }

    /// <summary>The probability that a pair of Jaccard similarity s shares at least one band.</summary>
    public static double Candidate(double s, int bands, int rows) => 1.0 - Math.Pow(1.0 - Math.Pow(s, rows), bands);

    /// <summary>Composite 8-point Gauss–Legendre over 64 panels: the integrands are smooth polynomials, so this is
    /// accurate far beyond what separates neighbouring (b, r) choices (scipy's quad in datasketch is adaptive).</summary>
    private static double Integrate(Func<double, double> f, double from, double to)
    {
        if (to <= from) return 0.0;
        const int panels = 64;
        var width = (to - from) / panels;
        var sum = 0.0;
        for (var p = 0; p < panels; p++)
        {
            var mid = from + (p + 0.5) * width;
            for (var k = 0; k < Nodes.Length; k++) sum += Weights[k] * f(mid + 0.5 * width * Nodes[k]);
        }
        return sum * 0.5 * width;
    }

    private static readonly double[] Nodes =
    [
        -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
        0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363,
    ];

    private static readonly double[] Weights =
    [
        0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
        0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
    ];
}
