using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

public sealed class PyRoundingTests
{
    [Theory]
    [InlineData(1.0 / 512, 0.00195312)]   // exact tie, rounds to even
    [InlineData(3.0 / 512, 0.00585938)]   // exact tie, rounds to even
    [InlineData(0.123456785, 0.12345678)] // not a tie in binary: 0.12345678499999… rounds down
    [InlineData(-0.5, -0.5)]
    [InlineData(1e-9, 0.0)]
    [InlineData(123456.987654321, 123456.98765432)]
    public void Round8_MatchesPythonRound(double x, double expected) => Assert.Equal(expected, PyRounding.Round8(x));

    [Theory]
    [InlineData(2.675, 2, 2.67)] // the binary value is below 2.675
    [InlineData(0.25, 1, 0.2)]
    [InlineData(0.35, 1, 0.3)]   // 0.34999…
    [InlineData(1234.55, 1, 1234.5)]
    [InlineData(2.5, 0, 2.0)]
    public void Round_MatchesPythonRound(double x, int digits, double expected) => Assert.Equal(expected, PyRounding.Round(x, digits));

    [Fact]
    public void Round8_NegativeTinyValue_KeepsNegativeZero() =>
        Assert.True(double.IsNegative(PyRounding.Round8(-1e-10)));
}

public sealed class PoissonLogPmfTests
{
    [Theory]
    [InlineData(0, 3.5)]
    [InlineData(7, 3.5)]
    [InlineData(255, 300.0)]
    [InlineData(256, 300.0)]
    [InlineData(1000, 950.25)]
    public void Compute_MatchesDirectLogSum(long k, double lambda)
    {
        var direct = k * Math.Log(lambda) - lambda;
        for (var i = 2; i <= k; i++) direct -= Math.Log(i);
        Assert.Equal(direct, PoissonLogPmf.Compute(k, lambda), 9);
    }

    [Fact]
    public void LogPmfPlusEpsilon_UnderflowingPmf_IsLogOfEpsilon() =>
        Assert.Equal(Math.Log(1e-8), PoissonLogPmf.LogPmfPlusEpsilon(100_000, 50), 12);
}
