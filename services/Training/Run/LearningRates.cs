using Refinery.Contracts.Training;

namespace Refinery.Training.Run;

/// <summary>A stage's learning rate at each of its steps: linear warm-up from 0 to the peak over the warm-up steps, then
/// the schedule from the peak down to the minimum at the stage's last step (cosine or linear), or the peak throughout.</summary>
public sealed record LearningRates(double Peak, double Minimum, int WarmupSteps, LearningRateSchedule Schedule, int Steps)
{
    /// <summary>The rate of the stage's step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        if (Schedule == LearningRateSchedule.Constant) return Peak;
        var decaySteps = Steps - WarmupSteps;
        if (decaySteps <= 1) return Peak;
        var progress = Math.Clamp((double)(step - WarmupSteps) / (decaySteps - 1), 0, 1);
        var factor = Schedule == LearningRateSchedule.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return Minimum + (Peak - Minimum) * factor;
    }
}
