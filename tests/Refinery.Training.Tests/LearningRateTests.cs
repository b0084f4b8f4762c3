using Refinery.Contracts.Training;
using Refinery.Training.Run;

namespace Refinery.Training.Tests;

public sealed class LearningRateTests
{
    [Fact]
    public void Warmup_RisesLinearlyToThePeak_ThenCosineEndsAtTheMinimum()
    {
        var rates = new LearningRates(Peak: 1e-3, Minimum: 1e-4, WarmupSteps: 4, LearningRateSchedule.Cosine, Steps: 21);
        Assert.Equal(0.25e-3, rates.At(0), 12);
        Assert.Equal(1e-3, rates.At(3), 12);
        Assert.Equal(1e-3, rates.At(4), 12);
        // Half way through the decay, cosine is half way between peak and minimum.
        Assert.Equal(0.55e-3, rates.At(12), 12);
        Assert.Equal(1e-4, rates.At(20), 12);
        for (var s = 4; s < 20; s++) Assert.True(rates.At(s + 1) <= rates.At(s), $"the rate rose at step {s + 1}");
    }

    [Fact]
    public void Linear_FallsByEqualSteps_AndConstantStaysAtThePeak()
    {
        var linear = new LearningRates(1.0, 0.0, 0, LearningRateSchedule.Linear, 5);
        Assert.Equal([1.0, 0.75, 0.5, 0.25, 0.0], Enumerable.Range(0, 5).Select(linear.At).ToArray());
        var constant = new LearningRates(0.5, 0.0, 2, LearningRateSchedule.Constant, 5);
        Assert.Equal([0.25, 0.5, 0.5, 0.5, 0.5], Enumerable.Range(0, 5).Select(constant.At).ToArray());
    }
}
