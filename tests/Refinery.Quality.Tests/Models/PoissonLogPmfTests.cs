using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

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
