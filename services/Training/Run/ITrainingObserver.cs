namespace Refinery.Training.Run;

/// <summary>What a running job tells the world and asks of it, between steps.</summary>
public interface ITrainingObserver
{
    /// <summary>A curve point closed (every <c>ProgressEverySteps</c>, at each validation and at the end).</summary>
    Task ReportAsync(CurvePoint point, int stage, double tokensPerSecond, double etaSeconds, CancellationToken ct);

    /// <summary>A checkpoint was written (its manifest's key).</summary>
    Task CheckpointedAsync(int step, string manifest, CancellationToken ct);

    /// <summary>Whether someone asked the job to stop (checked between steps, at most about once a second).</summary>
    Task<bool> CancelRequestedAsync(CancellationToken ct);
}
