namespace Refinery.Training.Run;

/// <summary>A point of the loss curve: the mean training loss of the steps since the previous point, and the validation
/// loss when it was measured at this step.</summary>
public sealed record CurvePoint(int Step, long Tokens, double Loss, double BitsPerByte, double LearningRate, double GradientNorm,
    double? ValidationLoss = null, double? ValidationBitsPerByte = null);

/// <summary>Where a job is: everything besides the weights and the optimizer that a resumed run needs to go on exactly
/// as an uninterrupted one would, and that a checkpoint saves. Doubles survive JSON exactly (shortest round-trip form).</summary>
public sealed record TrainingPosition
{
    /// <summary>Optimizer steps done.</summary>
    public int Step { get; set; }
    public long Tokens { get; set; }
    /// <summary>Windows the current stage has drawn (its data position; the stage follows from the step).</summary>
    public long Draws { get; set; }
    /// <summary>The stage <see cref="Draws"/> counts for.</summary>
    public int Stage { get; set; }

    /// <summary>Sums since the previous curve point: training nats, target tokens, their UTF-8 bytes, steps, and the
    /// last step's rate and gradient norm.</summary>
    public double PendingNats { get; set; }
    public long PendingTargets { get; set; }
    public long PendingBytes { get; set; }

    public List<CurvePoint> Curve { get; init; } = [];

    public TrainingPosition Copy() => this with { Curve = [.. Curve] };
}
