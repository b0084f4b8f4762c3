namespace Refinery.Quality.Models;

/// <summary>ln Γ and the Poisson log-pmf, computed in log space so large counts (documents of 10⁵ characters)
/// neither overflow nor lose precision.</summary>
internal static class PoissonLogPmf
{
    private const int TableSize = 256;
    private static readonly double[] LogFactorials = BuildTable();

    /// <summary>ln P(K = k) for K ~ Poisson(λ): k ln λ − λ − ln k!.</summary>
    public static double Compute(long k, double lambda)
    {
        if (k < 0) return double.NegativeInfinity;
        if (lambda <= 0) return k == 0 ? 0.0 : double.NegativeInfinity;
        return k * Math.Log(lambda) - lambda - LogFactorial(k);
    }

    /// <summary>ln(pmf + 1e-8), as RPv2 adds 1e-8 before the log; evaluated as a log-sum-exp so an underflowing pmf is exact.</summary>
    public static double LogPmfPlusEpsilon(long k, double lambda)
    {
        var a = Compute(k, lambda);
        var b = Math.Log(1e-8);
        var max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    /// <summary>ln k!: an exact running sum below 256, Stirling's series (error below 1e-16 relative) above.</summary>
    public static double LogFactorial(long k)
    {
        if (k < TableSize) return LogFactorials[k];
        double x = k + 1; // ln k! = ln Γ(k + 1)
        var inv = 1.0 / x;
        var inv2 = inv * inv;
        var series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680))));
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + series;
    }

    private static double[] BuildTable()
    {
        var table = new double[TableSize];
        for (var i = 2; i < TableSize; i++) table[i] = table[i - 1] + Math.Log(i);
        return table;
    }
}
